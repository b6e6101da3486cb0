package io.kairos.template;

import io.kairos.template.RenderResult.Reason;
import java.util.ArrayDeque;
import liqp.Template;
import liqp.TemplateContext;
import liqp.TemplateParser;
import liqp.exceptions.LiquidException;
import liqp.nodes.LNode;

/**
 * One field's text, parsed once. Rendering walks a node tree built from the parse tree; liqp's
 * nodes keep a little state while they render (an index lookup stores its key), so a tree serves
 * one render at a time: idle trees wait in a small pool, and a busy moment builds another from the
 * shared parse tree (cheap: no parsing).
 */
final class CompiledField {
  private static final int POOL = 8;

  final String source;

  /** Why the text does not compile, or null. */
  final RenderAbort error;

  private final TemplateParser parser;
  private final Template parsed;
  private final ArrayDeque<LNode> idle = new ArrayDeque<>(POOL);

  private CompiledField(String source, TemplateParser parser, Template parsed, RenderAbort error) {
    this.source = source;
    this.parser = parser;
    this.parsed = parsed;
    this.error = error;
  }

  static CompiledField compile(TemplateParser parser, String source, RenderLimits limits) {
    if (source.length() > limits.maxTemplateChars()) {
      return failed(
          source,
          new RenderAbort(
              Reason.TEMPLATE_TOO_LARGE,
              "the text is "
                  + source.length()
                  + " characters; the limit is "
                  + limits.maxTemplateChars(),
              0));
    }
    try {
      Template parsed = parser.parse(source);
      CompiledField field = new CompiledField(source, parser, parsed, null);
      field.idle.push(field.build()); // unknown filters and refused tags fail here, not at send
      return field;
    } catch (RenderAbort e) {
      return failed(source, e);
    } catch (LiquidException e) {
      int line = Math.max(1, e.line);
      return failed(
          source,
          new RenderAbort(
              Reason.SYNTAX,
              "line "
                  + line
                  + ", column "
                  + (e.charPositionInLine + 1)
                  + ": invalid Liquid: "
                  + e.getMessage(),
              line));
    } catch (RuntimeException e) {
      return failed(source, new RenderAbort(Reason.SYNTAX, "invalid Liquid: " + e.getMessage(), 0));
    } catch (StackOverflowError e) {
      return failed(source, new RenderAbort(Reason.SYNTAX, "the text is nested too deeply", 0));
    }
  }

  private static CompiledField failed(String source, RenderAbort error) {
    return new CompiledField(source, null, null, error);
  }

  private LNode build() {
    return new TreeBuilder(parser).visit(parsed.getParseTree());
  }

  /** Renders with the variables and state already in {@code root}. */
  String render(TemplateContext root) {
    LNode tree;
    synchronized (idle) {
      tree = idle.poll();
    }
    if (tree == null) {
      tree = build();
    }
    try {
      Object out = tree.render(root);
      return out == null ? "" : out.toString();
    } finally {
      synchronized (idle) {
        if (idle.size() < POOL) {
          idle.push(tree);
        }
      }
    }
  }
}
