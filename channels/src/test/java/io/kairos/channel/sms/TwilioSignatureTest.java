package io.kairos.channel.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Against the example in Twilio's documentation and its libraries' tests. */
class TwilioSignatureTest {

  static final String TOKEN = "12345";
  static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
  static final Map<String, List<String>> PARAMS =
      Map.of(
          "CallSid", List.of("CA1234567890ABCDE"),
          "Caller", List.of("+14158675309"),
          "Digits", List.of("1234"),
          "From", List.of("+14158675309"),
          "To", List.of("+18005551212"));
  static final String SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

  @Test
  void twilioDocumentedExample() {
    assertThat(TwilioSignature.compute(TOKEN, URL, PARAMS)).isEqualTo(SIGNATURE);
    assertThat(TwilioSignature.valid(TOKEN, URL, PARAMS, SIGNATURE)).isTrue();
  }

  @Test
  void repeatedParametersCountOnceEachSorted() {
    Map<String, List<String>> params =
        Map.of(
            "Sid", List.of("CA123"),
            "SidAccount", List.of("AC123"),
            "Digits", List.of("5678", "1234", "1234"));
    assertThat(TwilioSignature.compute(TOKEN, URL, params))
        .isEqualTo("IK+Dwps556ElfBT0I3Rgjkr1wJU=");
  }

  @Test
  void anyChangeBreaksIt() {
    Map<String, List<String>> tampered = new HashMap<>(PARAMS);
    tampered.put("Digits", List.of("9999"));
    assertThat(TwilioSignature.valid(TOKEN, URL, tampered, SIGNATURE)).isFalse();
    assertThat(TwilioSignature.valid(TOKEN, URL + "&x=1", PARAMS, SIGNATURE)).isFalse();
    assertThat(TwilioSignature.valid("54321", URL, PARAMS, SIGNATURE)).isFalse();
    assertThat(TwilioSignature.valid(TOKEN, URL, PARAMS, null)).isFalse();
    assertThat(TwilioSignature.valid(TOKEN, URL, PARAMS, "")).isFalse();
  }

  @Test
  void theUrlMayCarryTheDefaultPortOrNot() {
    String withPort = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    assertThat(TwilioSignature.valid(TOKEN, withPort, PARAMS, SIGNATURE)).isTrue();
    String signedWithPort = TwilioSignature.compute(TOKEN, withPort, PARAMS);
    assertThat(TwilioSignature.valid(TOKEN, URL, PARAMS, signedWithPort)).isTrue();
    assertThat(TwilioSignature.otherPortForm("http://[::1]:8080/x")).isEqualTo("http://[::1]/x");
    assertThat(TwilioSignature.otherPortForm("http://h.example?a=b"))
        .isEqualTo("http://h.example:80?a=b");
  }
}
