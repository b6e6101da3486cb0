package io.kairos.channel.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/** Which addresses are inside (not to be called from user-supplied URLs), and why. */
final class Addresses {

  private record Block(Cidr cidr, String reason) {}

  private static final List<Block> IPV4 =
      List.of(
          block("0.0.0.0/8", "an unspecified ('this network') address"),
          block("10.0.0.0/8", "a private address (10/8)"),
          block("100.64.0.0/10", "a carrier-grade NAT address (100.64/10)"),
          block("127.0.0.0/8", "a loopback address"),
          block("169.254.169.254/32", "the cloud metadata service (link-local)"),
          block("169.254.0.0/16", "a link-local address (169.254/16)"),
          block("172.16.0.0/12", "a private address (172.16/12)"),
          block("192.168.0.0/16", "a private address (192.168/16)"),
          block("224.0.0.0/4", "a multicast address"),
          block("240.0.0.0/4", "a reserved or broadcast address (240/4)"));

  private static final List<Block> IPV6 =
      List.of(
          block("::/128", "an unspecified address"),
          block("::1/128", "a loopback address"),
          block("fc00::/7", "a unique-local (private) address (fc00::/7)"),
          block("fe80::/10", "a link-local address (fe80::/10)"),
          block("fec0::/10", "a site-local address (fec0::/10)"),
          block("ff00::/8", "a multicast address"));

  // IPv6 forms that carry an IPv4 address in their last 32 bits. Java turns a mapped literal
  // into an Inet4Address when it parses one, so the mapped prefix is spelled out in bytes; an
  // Inet6Address built from raw bytes can still carry it.
  private static final Cidr MAPPED =
      new Cidr(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96);
  private static final Cidr COMPATIBLE = Cidr.parse("::/96", "built-in");
  private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96", "built-in");

  private Addresses() {}

  /** Why this address must not be called, or null when it is a public address. */
  static String blockedReason(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return reason(IPV4, b);
    }
    String own = reason(IPV6, b);
    if (own != null) {
      return own;
    }
    byte[] v4 = Arrays.copyOfRange(b, 12, 16);
    String embedded = reason(IPV4, v4);
    if (embedded == null) {
      return null;
    }
    String form =
        MAPPED.contains(b)
            ? "IPv4-mapped"
            : COMPATIBLE.contains(b) ? "IPv4-compatible" : NAT64.contains(b) ? "NAT64" : null;
    return form == null ? null : "the " + form + " form of " + dotted(v4) + ", " + embedded;
  }

  /** Parses an IP literal without ever asking DNS; null when the text is not one. */
  static InetAddress literal(String text) {
    if (text.contains(":")) {
      try {
        // InetAddress treats anything with a colon as an IPv6 literal and never looks it up.
        return InetAddress.getByName(text.startsWith("[") ? text : "[" + text + "]");
      } catch (UnknownHostException | IllegalArgumentException e) {
        return null;
      }
    }
    byte[] v4 = ipv4(text);
    if (v4 == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(v4);
    } catch (UnknownHostException impossible) {
      return null;
    }
  }

  static boolean looksLikeIpv4(String text) {
    return !text.isEmpty() && text.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  private static byte[] ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !looksLikeIpv4(p) || p.contains(".")) {
        return null;
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static String reason(List<Block> blocks, byte[] address) {
    for (Block b : blocks) {
      if (b.cidr().contains(address)) {
        return b.reason();
      }
    }
    return null;
  }

  private static String dotted(byte[] v4) {
    return (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "." + (v4[2] & 0xff) + "." + (v4[3] & 0xff);
  }

  private static Block block(String cidr, String reason) {
    return new Block(Cidr.parse(cidr, "built-in"), reason);
  }
}
