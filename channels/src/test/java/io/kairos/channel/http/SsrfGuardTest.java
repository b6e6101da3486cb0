package io.kairos.channel.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The address table, on literals only (no DNS). */
class SsrfGuardTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "127.0.0.1        | a loopback address",
        "127.255.0.9      | a loopback address",
        "10.0.0.1         | a private address (10/8)",
        "172.16.0.1       | a private address (172.16/12)",
        "172.31.255.255   | a private address (172.16/12)",
        "192.168.1.1      | a private address (192.168/16)",
        "169.254.169.254  | the cloud metadata service (link-local)",
        "169.254.1.1      | a link-local address (169.254/16)",
        "100.64.0.1       | a carrier-grade NAT address (100.64/10)",
        "100.127.255.255  | a carrier-grade NAT address (100.64/10)",
        "0.0.0.0          | an unspecified ('this network') address",
        "224.0.0.251      | a multicast address",
        "255.255.255.255  | a reserved or broadcast address (240/4)",
        "::               | an unspecified address",
        "::1              | a loopback address",
        "fc00::1          | a unique-local (private) address (fc00::/7)",
        "fd12:3456::1     | a unique-local (private) address (fc00::/7)",
        "fe80::1          | a link-local address (fe80::/10)",
        "ff02::1          | a multicast address",
        "::ffff:127.0.0.1 | a loopback address",
        "::ffff:a9fe:a9fe | the cloud metadata service (link-local)",
        "::10.0.0.1       | the IPv4-compatible form of 10.0.0.1, a private address (10/8)",
        "64:ff9b::7f00:1  | the NAT64 form of 127.0.0.1, a loopback address",
      })
  void internalAddressesAreBlocked(String address, String reason) {
    assertThat(Addresses.blockedReason(Addresses.literal(address))).isEqualTo(reason);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "93.184.215.14",
        "8.8.8.8",
        "172.32.0.1",
        "100.128.0.1",
        "169.255.0.1",
        "2606:4700::6810:85e5",
        "64:ff9b::808:808"
      })
  void publicAddressesPass(String address) {
    assertThat(Addresses.blockedReason(Addresses.literal(address))).isNull();
  }

  @Test
  void aMappedAddressBuiltFromRawBytesIsStillCaught() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1};
    InetAddress raw = java.net.Inet6Address.getByAddress(null, mapped, -1);
    assertThat(Addresses.blockedReason(raw))
        .isEqualTo("the IPv4-mapped form of 10.0.0.1, a private address (10/8)");
  }

  @Test
  void literalsNeverLookUpNames() {
    assertThat(Addresses.literal("example.com")).isNull();
    assertThat(Addresses.literal("1.2.3")).isNull();
    assertThat(Addresses.literal("01.2.3.256")).isNull();
    assertThat(Addresses.literal("::zz")).isNull();
  }

  @Test
  void allowListedBlocksAndHostsPass() {
    SsrfGuard guard =
        new SsrfGuard(List.of("10.20.0.0/16", "::ffff:192.168.7.0/120", "Hooks.Internal"), "f");
    assertThat(guard.check(URI.create("http://10.20.3.4/")))
        .isEqualTo(new SsrfGuard.Verdict.Allowed());
    assertThat(guard.check(URI.create("http://10.21.3.4/")))
        .isInstanceOf(SsrfGuard.Verdict.Refused.class);
    assertThat(guard.check(URI.create("http://192.168.7.9/")))
        .isEqualTo(new SsrfGuard.Verdict.Allowed());
    assertThat(guard.check(URI.create("http://192.168.8.9/")))
        .isInstanceOf(SsrfGuard.Verdict.Refused.class);
    // An allow-listed name is trusted without being resolved.
    assertThat(guard.check(URI.create("https://hooks.internal./x")))
        .isEqualTo(new SsrfGuard.Verdict.Allowed());
    assertThat(guard.check(URI.create("https://93.184.215.14/x")))
        .isEqualTo(new SsrfGuard.Verdict.Allowed());
  }
}
