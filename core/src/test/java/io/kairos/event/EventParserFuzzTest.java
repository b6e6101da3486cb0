package io.kairos.event;

import static io.kairos.event.Messages.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.event.EventParser.Result;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated valid messages (cut short, bytes flipped, inserted, removed, JSON punctuation dropped in)
 * must come back as {@link Result.Invalid} or {@link Result.Parsed}, never as an exception; and a
 * parsed event's lazily kept objects must decode.
 */
class EventParserFuzzTest {

  private static final long SEED = 20260108L;
  private static final int ROUNDS = 100_000;
  private static final byte[] PUNCTUATION =
      "{}[]\":,\\ 0-1.eEtfnu\n".getBytes(StandardCharsets.UTF_8);

  static final String[] SEEDS = {
    "{'type':'track','messageId':'m1','userId':'u1','timestamp':'2026-01-08T09:30:00.123Z',"
        + "'event':'Product Added','properties':{'product_id':'p1','price':19.99,'quantity':2,"
        + "'tags':['a','ب'],'meta':{'x':null,'y':true}},'context':{'ip':'1.2.3.4','locale':'fa-IR',"
        + "'timezone':'Asia/Tehran','location':{'latitude':35.7,'longitude':51.4},"
        + "'library':{'name':'analytics-java','version':'3.5.1'},'traits':{'email':'a@b.c'}}}",
    "{'type':'page','anonymousId':'a1','originalTimestamp':'2026-01-08T09:30:00+03:30',"
        + "'name':'قیمت‌ها','category':'Docs','properties':{'title':'سلام 🌍'},"
        + "'context':{'page':{'path':'/p','url':'https://x.io/p','title':'T','search':'?q=1'}}}",
    "{'type':'identify','userId':42,'sentAt':'2026-01-08T09:30:00-05:00',"
        + "'traits':{'name':'مریم','age':30,'vip':false,'address':{'city':'Shiraz'}}}",
    "{'type':'group','userId':'u','groupId':7,'timestamp':'2026-01-08T09:30:00Z',"
        + "'traits':{'employees':120}}",
    "{'type':'alias','userId':'u','previousId':'old','receivedAt':'2026-01-08T09:30:00Z'}",
    "{'type':'screen','userId':'u','timestamp':'2026-01-08T09:30:00Z','name':'Cart 🛒',"
        + "'properties':{'escaped':'\\u00e9\\n\\t\\\\'}}",
  };

  @Test
  void mutatedMessagesNeverThrow() {
    Random random = new Random(SEED);
    EventParser parser = new EventParser();
    byte[][] seeds =
        Arrays.stream(SEEDS)
            .map(s -> json(s).getBytes(StandardCharsets.UTF_8))
            .toArray(byte[][]::new);
    for (byte[] seed : seeds) {
      assertThat(parser.parse(seed, 0, seed.length)).isInstanceOf(Result.Parsed.class);
    }
    int parsed = 0;
    int invalid = 0;
    for (int round = 0; round < ROUNDS; round++) {
      byte[] message = mutate(seeds[random.nextInt(seeds.length)], random);
      int offset = random.nextInt(4);
      byte[] buf = new byte[offset + message.length + random.nextInt(4)];
      System.arraycopy(message, 0, buf, offset, message.length);

      Result r;
      try {
        r = parser.parse(buf, offset, message.length);
        if (r instanceof Result.Parsed p) {
          decodeEverything(p.event());
        }
      } catch (RuntimeException e) {
        throw new AssertionError(
            "round " + round + " threw on: " + new String(message, StandardCharsets.UTF_8), e);
      }
      if (r instanceof Result.Parsed) {
        parsed++;
      } else {
        Result.Invalid i = (Result.Invalid) r;
        assertThat(i.field()).isNotBlank();
        assertThat(i.reason()).isNotBlank().doesNotContain("\n");
        invalid++;
      }
    }
    // Both outcomes must be common, or the mutations are not exploring anything.
    assertThat(parsed).isGreaterThan(ROUNDS / 20);
    assertThat(invalid).isGreaterThan(ROUNDS / 4);
  }

  private static void decodeEverything(Event e) {
    e.properties().asMap();
    e.traits().asMap();
    e.context().raw().asMap();
    e.properties().toJson();
    assertThat(e.messageId()).isNotEmpty();
    assertThat(e.profileKey()).isNotEmpty();
  }

  static byte[] mutate(byte[] seed, Random random) {
    byte[] m = seed.clone();
    int edits = 1 + random.nextInt(3);
    for (int k = 0; k < edits && m.length > 0; k++) {
      int at = random.nextInt(m.length);
      switch (random.nextInt(6)) {
        case 0 -> m = Arrays.copyOf(m, at); // truncate
        case 1 -> m[at] = (byte) random.nextInt(256); // any byte, often bad UTF-8
        case 2 -> m[at] = PUNCTUATION[random.nextInt(PUNCTUATION.length)];
        case 3 -> m[at] ^= (byte) (1 << random.nextInt(8)); // flip one bit
        case 4 -> m = remove(m, at);
        default -> m = insert(m, at, PUNCTUATION[random.nextInt(PUNCTUATION.length)]);
      }
    }
    return m;
  }

  private static byte[] remove(byte[] m, int at) {
    byte[] out = new byte[m.length - 1];
    System.arraycopy(m, 0, out, 0, at);
    System.arraycopy(m, at + 1, out, at, m.length - at - 1);
    return out;
  }

  private static byte[] insert(byte[] m, int at, byte b) {
    byte[] out = new byte[m.length + 1];
    System.arraycopy(m, 0, out, 0, at);
    out[at] = b;
    System.arraycopy(m, at, out, at + 1, m.length - at);
    return out;
  }
}
