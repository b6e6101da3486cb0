package io.kairos.channel.email;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A DKIM verifier for rsa-sha256 with relaxed/relaxed canonicalisation, written from RFC 6376
 * (3.4.2, 3.4.4, 3.5, 3.7) for the tests and sharing no code with the signer: it recomputes the
 * body hash and checks the header signature with the public key.
 */
final class DkimVerifier {

  /** What verification found. */
  record Result(Map<String, String> tags, boolean bodyHashMatches, boolean signatureValid) {
    boolean valid() {
      return bodyHashMatches && signatureValid;
    }

    List<String> signedHeaders() {
      List<String> names = new ArrayList<>();
      for (String n : tags.get("h").split(":")) {
        names.add(n.strip().toLowerCase(Locale.ROOT));
      }
      return names;
    }
  }

  private DkimVerifier() {}

  static Result verify(byte[] message, PublicKey key) throws Exception {
    String raw = new String(message, StandardCharsets.ISO_8859_1);
    int split = raw.indexOf("\r\n\r\n");
    String headerBlock = raw.substring(0, split);
    String body = raw.substring(split + 4);

    List<String> fields = fields(headerBlock);
    String signatureField = null;
    for (String f : fields) {
      if (name(f).equals("dkim-signature")) {
        signatureField = f;
        break;
      }
    }
    if (signatureField == null) {
      throw new AssertionError("no DKIM-Signature header");
    }
    Map<String, String> tags = tags(value(signatureField));
    if (!"1".equals(tags.get("v"))
        || !"rsa-sha256".equals(tags.get("a"))
        || !"relaxed/relaxed".equals(tags.get("c"))) {
      throw new AssertionError("unexpected DKIM tags " + tags);
    }

    byte[] bodyHash =
        MessageDigest.getInstance("SHA-256")
            .digest(relaxedBody(body).getBytes(StandardCharsets.ISO_8859_1));
    boolean bodyOk = Base64.getEncoder().encodeToString(bodyHash).equals(tags.get("bh"));

    StringBuilder signed = new StringBuilder();
    List<String> unused = new ArrayList<>(fields);
    for (String wanted : tags.get("h").split(":")) {
      String name = wanted.strip().toLowerCase(Locale.ROOT);
      // The last instance not yet used, counting from the bottom (RFC 6376 5.4.2).
      for (int i = unused.size() - 1; i >= 0; i--) {
        if (name(unused.get(i)).equals(name)) {
          signed.append(relaxedHeader(unused.remove(i))).append("\r\n");
          break;
        }
      }
    }
    String withoutB = signatureField.replaceAll("(?s)((?:^|;)\\s*b\\s*=)[^;]*", "$1");
    signed.append(relaxedHeader(withoutB));

    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initVerify(key);
    rsa.update(signed.toString().getBytes(StandardCharsets.ISO_8859_1));
    boolean sigOk = rsa.verify(Base64.getDecoder().decode(tags.get("b")));
    return new Result(tags, bodyOk, sigOk);
  }

  /** Header fields with their continuation lines, CRLFs kept inside. */
  private static List<String> fields(String headerBlock) {
    List<String> fields = new ArrayList<>();
    for (String line : headerBlock.split("\r\n", -1)) {
      if (!fields.isEmpty() && (line.startsWith(" ") || line.startsWith("\t"))) {
        fields.set(fields.size() - 1, fields.get(fields.size() - 1) + "\r\n" + line);
      } else {
        fields.add(line);
      }
    }
    return fields;
  }

  private static String name(String field) {
    return field.substring(0, field.indexOf(':')).strip().toLowerCase(Locale.ROOT);
  }

  private static String value(String field) {
    return field.substring(field.indexOf(':') + 1);
  }

  /** RFC 6376 3.4.2. */
  static String relaxedHeader(String field) {
    String value = value(field).replace("\r\n", "").replaceAll("[ \t]+", " ").strip();
    return name(field) + ":" + value;
  }

  /** RFC 6376 3.4.4. */
  static String relaxedBody(String body) {
    List<String> lines = new ArrayList<>(List.of(body.split("\r\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1); // what follows the last CRLF
    }
    for (int i = 0; i < lines.size(); i++) {
      lines.set(i, lines.get(i).replaceAll("[ \t]+", " ").replaceAll(" $", ""));
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    StringBuilder out = new StringBuilder();
    for (String l : lines) {
      out.append(l).append("\r\n");
    }
    return out.toString();
  }

  private static Map<String, String> tags(String value) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String part : value.replace("\r\n", "").split(";")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String name = part.substring(0, eq).strip();
      String v = part.substring(eq + 1).strip();
      if (name.equals("b") || name.equals("bh")) {
        v = v.replaceAll("[ \t]", "");
      }
      tags.put(name, v);
    }
    return tags;
  }
}
