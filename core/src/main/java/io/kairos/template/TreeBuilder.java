package io.kairos.template;

import io.kairos.template.RenderResult.Reason;
import java.util.Set;
import liqp.TemplateParser;
import liqp.nodes.FilterNode;
import liqp.nodes.LNode;
import liqp.nodes.OutputNode;
import liqp.parser.v4.NodeVisitor;
import liquid.parser.v4.LiquidParser.ExprContext;
import liquid.parser.v4.LiquidParser.Expr_termContext;
import liquid.parser.v4.LiquidParser.FilterContext;
import liquid.parser.v4.LiquidParser.Include_relative_tagContext;
import liquid.parser.v4.LiquidParser.Include_tagContext;
import liquid.parser.v4.LiquidParser.Other_tagContext;
import liquid.parser.v4.LiquidParser.OutputContext;
import liquid.parser.v4.LiquidParser.Simple_tagContext;
import liquid.parser.v4.LiquidParser.TermContext;
import liquid.parser.v4.LiquidParser.Term_lookupContext;

/**
 * Turns liqp's parse tree into the node tree that renders, as liqp does, with three changes made at
 * compile time: an output that prints a plain variable without {@code default} checks that the
 * variable is defined; {@code include}, {@code include_relative} and {@code render} are refused; an
 * unknown filter or tag is a compile error with its line rather than a failure at send time. One
 * instance builds one tree (liqp's visitor keeps state while it walks).
 */
final class TreeBuilder extends NodeVisitor {
  private static final Set<String> REFUSED = Set.of("include", "include_relative", "render");

  /**
   * Jekyll's {@code where_exp} parses its argument as Liquid while rendering, so customer data
   * could become template code; {@code where} does the same job safely.
   */
  private static final Set<String> REFUSED_FILTERS = Set.of("where_exp");

  private final TemplateParser parser;

  TreeBuilder(TemplateParser parser) {
    super(parser.insertions, parser.filters, parser.liquidStyleInclude);
    this.parser = parser;
  }

  @Override
  public LNode visitOutput(OutputContext ctx) {
    TermContext printed = printedTerm(ctx);
    boolean hasDefault = ctx.filter().stream().anyMatch(f -> f.Id().getText().equals("default"));
    if (!(printed instanceof Term_lookupContext) || hasDefault) {
      return super.visitOutput(ctx);
    }
    LNode lookup =
        new DefinedCheck(visit(printed), printed.getText(), printed.getStart().getLine());
    OutputNode node = new OutputNode(lookup, null, null, null);
    for (FilterContext f : ctx.filter()) {
      node.addFilter(visitFilter(f));
    }
    return node;
  }

  private static TermContext printedTerm(OutputContext ctx) {
    if (ctx.unparsed != null) {
      return null; // text liqp could not read after the value: leave it to liqp
    }
    if (ctx.evaluate != null) {
      ExprContext e = ctx.expr();
      return e instanceof Expr_termContext t ? t.term() : null;
    }
    return ctx.term();
  }

  @Override
  public FilterNode visitFilter(FilterContext ctx) {
    String name = ctx.Id().getText();
    if (parser.filters.get(name) == null || REFUSED_FILTERS.contains(name)) {
      throw compileError(
          Reason.SYNTAX,
          ctx.Id().getSymbol().getLine(),
          ctx.Id().getSymbol().getCharPositionInLine(),
          "unknown filter '" + name + "'");
    }
    return super.visitFilter(ctx);
  }

  @Override
  public LNode visitInclude_tag(Include_tagContext ctx) {
    throw refused("include", ctx.getStart().getLine(), ctx.getStart().getCharPositionInLine());
  }

  @Override
  public LNode visitInclude_relative_tag(Include_relative_tagContext ctx) {
    throw refused(
        "include_relative", ctx.getStart().getLine(), ctx.getStart().getCharPositionInLine());
  }

  @Override
  public LNode visitSimple_tag(Simple_tagContext ctx) {
    checkTag(
        ctx.SimpleTagId().getText(),
        ctx.getStart().getLine(),
        ctx.getStart().getCharPositionInLine());
    return super.visitSimple_tag(ctx);
  }

  @Override
  public LNode visitOther_tag(Other_tagContext ctx) {
    checkTag(
        ctx.BlockId().getText(), ctx.getStart().getLine(), ctx.getStart().getCharPositionInLine());
    return super.visitOther_tag(ctx);
  }

  private void checkTag(String name, int line, int column) {
    if (REFUSED.contains(name)) {
      throw refused(name, line, column);
    }
    if (parser.insertions.get(name) == null) {
      throw compileError(Reason.SYNTAX, line, column, "unknown tag '" + name + "'");
    }
  }

  private static RenderAbort refused(String name, int line, int column) {
    return compileError(Reason.INCLUDE_REFUSED, line, column, RefusedTag.reason(name));
  }

  static RenderAbort compileError(Reason reason, int line, int column, String what) {
    return new RenderAbort(reason, "line " + line + ", column " + (column + 1) + ": " + what, line);
  }
}
