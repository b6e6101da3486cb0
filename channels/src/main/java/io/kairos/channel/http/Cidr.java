package io.kairos.channel.http;

import java.net.InetAddress;

/** An address block: the first {@code bits} bits of {@code prefix}. */
record Cidr(byte[] prefix, int bits) {

  /** Parses {@code 10.0.0.0/8}, {@code fc00::/7} or a single address; {@code where} names it. */
  static Cidr parse(String text, String where) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    InetAddress parsed = Addresses.literal(address);
    if (parsed == null) {
      throw new IllegalArgumentException(where + " '" + text + "' is not a valid IP address");
    }
    byte[] bytes = parsed.getAddress();
    int max = address.contains(":") ? 128 : 32;
    int bits = max;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > max) {
        throw new IllegalArgumentException(
            where + " '" + text + "' has a prefix length outside 0.." + max);
      }
    }
    if (bytes.length == 4 && address.contains(":") && slash >= 0) {
      // An IPv4-mapped literal (::ffff:10.0.0.0/104) parses as IPv4: count its prefix in IPv4.
      if (bits < 96) {
        throw new IllegalArgumentException(
            where + " '" + text + "' is IPv4-mapped and needs a prefix length of 96..128");
      }
      bits -= 96;
    }
    return new Cidr(bytes, bits);
  }

  boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  boolean contains(byte[] address) {
    if (address.length != prefix.length) {
      return false;
    }
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != prefix[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[full] & mask) == (prefix[full] & mask);
  }
}
