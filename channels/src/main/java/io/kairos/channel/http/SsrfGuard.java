package io.kairos.channel.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Keeps requests to user-supplied URLs away from the inside network (server-side request forgery):
 * the host is resolved before connecting, and the call is refused when any address it resolves to
 * is loopback, private, link-local (the cloud metadata service 169.254.169.254 among them),
 * unspecified, multicast, carrier-grade NAT or reserved, including those addresses written in
 * IPv4-mapped, IPv4-compatible or NAT64 IPv6 form. Hosts and networks on the allow-list are exempt.
 *
 * <p>Limitation: the HTTP client resolves the name again when it connects. A DNS server that
 * answers a public address to this check and a private one a moment later (DNS rebinding) gets past
 * it. Where that matters, run the senders in a network that cannot reach internal services, or send
 * through an egress proxy that filters addresses.
 */
public final class SsrfGuard {

  private static final Pattern HOST_NAME =
      Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\\.?");

  private final Set<String> hosts = new TreeSet<>();
  private final List<Cidr> networks = new ArrayList<>();

  /**
   * @param allowList host names (exact, case-insensitive), IP addresses or CIDR blocks ({@code
   *     10.20.0.0/16}, {@code fd00::/8}) that may be called even though they are internal
   * @param field the configuration key the list came from, for error messages
   * @throws IllegalArgumentException naming the entry that is none of these
   */
  public SsrfGuard(List<String> allowList, String field) {
    for (int i = 0; i < allowList.size(); i++) {
      String entry = allowList.get(i);
      String where = field + "[" + i + "]";
      if (entry == null || entry.isBlank()) {
        throw new IllegalArgumentException(where + " is empty");
      }
      String e = entry.trim().toLowerCase(Locale.ROOT);
      if (e.contains("/") || e.contains(":") || Addresses.looksLikeIpv4(e)) {
        networks.add(Cidr.parse(e, where));
      } else if (HOST_NAME.matcher(e).matches()) {
        hosts.add(stripDot(e));
      } else {
        throw new IllegalArgumentException(
            where + " '" + entry + "' is neither a host name, an IP address nor a CIDR block");
      }
    }
  }

  /** Whether this URL may be called, resolving its host; the URL's scheme is checked elsewhere. */
  public Verdict check(URI url) {
    String host = url.getHost();
    if (host == null) {
      return new Verdict.Refused("the URL has no host");
    }
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (hosts.contains(stripDot(bare.toLowerCase(Locale.ROOT)))) {
      return new Verdict.Allowed();
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(bare);
    } catch (UnknownHostException e) {
      return new Verdict.Unresolved("cannot resolve host " + host);
    }
    for (InetAddress address : addresses) {
      String why = Addresses.blockedReason(address);
      if (why != null && !allowed(address)) {
        String shown = address.getHostAddress();
        return new Verdict.Refused(
            (shown.equals(bare) ? shown : host + " resolves to " + shown)
                + ", which is "
                + why
                + "; add it to the allow-list if this is intended");
      }
    }
    return new Verdict.Allowed();
  }

  private boolean allowed(InetAddress address) {
    for (Cidr n : networks) {
      if (n.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static String stripDot(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  /** The guard's answer for one URL. */
  public sealed interface Verdict {
    /** The URL may be called. */
    record Allowed() implements Verdict {}

    /** The URL points inside: do not call it. */
    record Refused(String reason) implements Verdict {}

    /** The host name does not resolve (now): nothing was sent. */
    record Unresolved(String reason) implements Verdict {}
  }
}
