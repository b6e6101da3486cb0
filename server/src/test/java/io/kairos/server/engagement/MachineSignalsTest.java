package io.kairos.server.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MachineSignalsTest {
  private static final String SAFARI =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
          + " Gecko) Mobile/15E148";
  private static final long SENT = 1_000_000;
  private static final long LATER = SENT + 3_600_000;

  @Test
  void peopleAndTheirMailProxiesAreHuman() {
    assertThat(MachineSignals.machineReason(SAFARI, SENT, LATER)).isNull();
    assertThat(
            MachineSignals.machineReason(
                "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com"
                    + " GoogleImageProxy)",
                SENT,
                SENT + 2_000))
        .as("Gmail fetches when the person opens, even right after delivery")
        .isNull();
    assertThat(MachineSignals.machineReason("YahooMailProxy; https://help.yahoo.com", SENT, LATER))
        .isNull();
    assertThat(MachineSignals.machineReason("Mozilla/5.0 (Linux; Android 10; CUBOT X30)", null, 0))
        .isNull();
  }

  @Test
  void machinesAreNamed() {
    assertThat(MachineSignals.machineReason("Mozilla/5.0", SENT, LATER))
        .isEqualTo("apple_mail_privacy_protection");
    assertThat(MachineSignals.machineReason(null, SENT, LATER)).isEqualTo("no_user_agent");
    assertThat(MachineSignals.machineReason(" ", SENT, LATER)).isEqualTo("no_user_agent");
    assertThat(MachineSignals.machineReason("Barracuda Sentinel (EE)", SENT, LATER))
        .isEqualTo("security_scanner");
    assertThat(MachineSignals.machineReason("python-requests/2.31", SENT, LATER))
        .isEqualTo("security_scanner");
    assertThat(
            MachineSignals.machineReason(
                "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
                SENT,
                LATER))
        .isEqualTo("security_scanner");
    assertThat(MachineSignals.machineReason(SAFARI, SENT, SENT + 3_000)).isEqualTo("too_soon");
    assertThat(MachineSignals.machineReason(SAFARI, SENT, SENT + MachineSignals.TOO_SOON_MILLIS))
        .isNull();
  }
}
