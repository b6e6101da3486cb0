package io.kairos.event;

import static io.kairos.event.Messages.invalid;
import static io.kairos.event.Messages.json;
import static io.kairos.event.Messages.parsed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.event.EventParser.Result;
import io.kairos.time.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EventParserTest {

  private static final String TS = "2026-01-08T09:30:00.250+03:30";
  private static final long TS_MILLIS = Timestamps.parse(TS);

  private final EventParser parser = new EventParser();

  private Event parse(String singleQuoted) {
    return parsed(parser.parse(json(singleQuoted)));
  }

  private String error(String singleQuoted) {
    return invalid(parser.parse(json(singleQuoted))).toString();
  }

  @Nested
  class EachType {

    @Test
    void track() {
      Event e =
          parse(
              "{'type':'track','messageId':'m-1','userId':'u-1','anonymousId':'a-1',"
                  + "'timestamp':'"
                  + TS
                  + "','event':'Product Added',"
                  + "'properties':{'product_id':'p-9','price':19.99,'quantity':2},"
                  + "'context':{'ip':'203.0.113.7','locale':'fa-IR','timezone':'Asia/Tehran',"
                  + "'location':{'latitude':35.7,'longitude':51.4,'city':'Tehran'},"
                  + "'library':{'name':'analytics.js','version':'2.11.1'}},"
                  + "'integrations':{'All':true},'sentAt':'not even a date','version':2}");

      assertThat(e.type()).isEqualTo(EventType.TRACK);
      assertThat(e.messageId()).isEqualTo("m-1");
      assertThat(e.userId()).isEqualTo("u-1");
      assertThat(e.anonymousId()).isEqualTo("a-1");
      assertThat(e.timestamp()).isEqualTo(TS_MILLIS);
      assertThat(e.name()).isEqualTo("Product Added");
      assertThat(e.properties().asMap())
          .containsExactly(
              Map.entry("product_id", "p-9"), Map.entry("price", 19.99), Map.entry("quantity", 2L));
      assertThat(e.traits()).isSameAs(JsonObject.EMPTY);
      assertThat(e.context().ip()).isEqualTo("203.0.113.7");
      assertThat(e.context().locale()).isEqualTo("fa-IR");
      assertThat(e.context().timezone()).isEqualTo("Asia/Tehran");
      assertThat(e.context().location()).isEqualTo(new Location(35.7, 51.4));
      assertThat(e.context().raw().get("library"))
          .isEqualTo(Map.of("name", "analytics.js", "version", "2.11.1"));
      assertThat(e.previousId()).isNull();
      assertThat(e.groupId()).isNull();
    }

    @Test
    void trackIsInferredFromEventWhenTypeIsMissing() {
      Event e = parse("{'userId':'u','timestamp':'" + TS + "','event':'Signed Up'}");

      assertThat(e.type()).isEqualTo(EventType.TRACK);
      assertThat(e.name()).isEqualTo("Signed Up");
      assertThat(e.properties()).isSameAs(JsonObject.EMPTY);
      assertThat(e.context()).isSameAs(EventContext.EMPTY);
    }

    @Test
    void trackKeepsContextTraitsAsTraits() {
      Event e =
          parse(
              "{'type':'track','userId':'u','timestamp':'"
                  + TS
                  + "','event':'Order Completed',"
                  + "'traits':{'ignored':true},"
                  + "'context':{'traits':{'email':'a@example.com','plan':'pro'}}}");

      assertThat(e.traits().asMap()).containsEntry("email", "a@example.com").hasSize(2);
    }

    @Test
    void identify() {
      Event e =
          parse(
              "{'type':'identify','userId':'u','timestamp':'"
                  + TS
                  + "','traits':{'email':'a@example.com','age':41},'event':'ignored',"
                  + "'properties':{'ignored':1},'context':{'traits':{'ignored':2}}}");

      assertThat(e.type()).isEqualTo(EventType.IDENTIFY);
      assertThat(e.name()).isEqualTo(Event.IDENTIFY);
      assertThat(e.traits().asMap())
          .containsExactly(Map.entry("email", "a@example.com"), Map.entry("age", 41L));
      assertThat(e.properties()).isSameAs(JsonObject.EMPTY);
    }

    @Test
    void page() {
      Event e =
          parse(
              "{'type':'page','anonymousId':'a','timestamp':'"
                  + TS
                  + "','name':'Pricing','category':'Docs',"
                  + "'properties':{'path':'/pricing','plan':'pro'},"
                  + "'context':{'page':{'path':'/ignored','url':'https://x.io/pricing?a=1',"
                  + "'title':'Pricing \\u2014 X','referrer':'https://google.com/','search':'?a=1',"
                  + "'keywords':['not','copied']}}}");

      assertThat(e.type()).isEqualTo(EventType.PAGE);
      assertThat(e.name()).isEqualTo(Event.PAGE_VIEWED);
      assertThat(e.properties().asMap())
          .containsExactly(
              Map.entry("path", "/pricing"),
              Map.entry("plan", "pro"),
              Map.entry("name", "Pricing"),
              Map.entry("category", "Docs"),
              Map.entry("url", "https://x.io/pricing?a=1"),
              Map.entry("title", "Pricing \u2014 X"),
              Map.entry("referrer", "https://google.com/"),
              Map.entry("search", "?a=1"));
      assertThat(e.properties().toJson()).startsWith(json("{'path':'/pricing','plan':'pro',"));
    }

    @Test
    void pageKeepsTheSendersPropertiesWhenTheyAlreadyHaveTheKeys() {
      Event e =
          parse(
              "{'type':'page','userId':'u','timestamp':'"
                  + TS
                  + "','name':'Top','properties':{ 'name' : 'Own', 'url':'u1' },"
                  + "'context':{'page':{'url':'u2'}}}");

      assertThat(e.properties().toJson()).isEqualTo(json("{ 'name' : 'Own', 'url':'u1' }"));
    }

    @Test
    void pageWithoutPropertiesGetsThemFromNameAndContextPage() {
      Event e =
          parse(
              "{'context':{'page':{'path':'/'}},'name':'Home','type':'page',"
                  + "'userId':'u','timestamp':'"
                  + TS
                  + "','properties':{ }}");

      assertThat(e.properties().toJson()).isEqualTo(json("{'name':'Home','path':'/'}"));
    }

    @Test
    void pageWithNothingToAddHasEmptyProperties() {
      Event e = parse("{'type':'page','userId':'u','timestamp':'" + TS + "'}");

      assertThat(e.properties()).isSameAs(JsonObject.EMPTY);
    }

    @Test
    void screenTakesNameButNotContextPage() {
      Event e =
          parse(
              "{'type':'screen','userId':'u','timestamp':'"
                  + TS
                  + "','name':'Cart','properties':{'items':3},"
                  + "'context':{'page':{'path':'/not-for-screens'}}}");

      assertThat(e.name()).isEqualTo(Event.SCREEN_VIEWED);
      assertThat(e.properties().asMap())
          .containsExactly(Map.entry("items", 3L), Map.entry("name", "Cart"));
    }

    @Test
    void group() {
      Event e =
          parse(
              "{'type':'group','userId':'u','timestamp':'"
                  + TS
                  + "','groupId':'g-1','traits':{'name':'Acme','employees':120},"
                  + "'previousId':'ignored'}");

      assertThat(e.name()).isEqualTo(Event.GROUP);
      assertThat(e.groupId()).isEqualTo("g-1");
      assertThat(e.previousId()).isNull();
      assertThat(e.traits().asMap()).containsEntry("employees", 120L);
    }

    @Test
    void alias() {
      Event e =
          parse(
              "{'type':'alias','userId':'u-new','previousId':'anon-7','timestamp':'"
                  + TS
                  + "','groupId':'ignored'}");

      assertThat(e.name()).isEqualTo(Event.ALIAS);
      assertThat(e.previousId()).isEqualTo("anon-7");
      assertThat(e.groupId()).isNull();
    }
  }

  @Nested
  class Identities {

    @Test
    void numbersBecomeStrings() {
      Event e =
          parse(
              "{'type':'alias','userId':1234567890123,'anonymousId':-5,'previousId':42.0,"
                  + "'timestamp':'"
                  + TS
                  + "'}");

      assertThat(e.userId()).isEqualTo("1234567890123");
      assertThat(e.anonymousId()).isEqualTo("-5");
      assertThat(e.previousId()).isEqualTo("42");
    }

    @Test
    void emptyAndNullIdentifyNobody() {
      assertThat(error("{'event':'x','userId':'','anonymousId':null,'timestamp':'" + TS + "'}"))
          .isEqualTo("userId or anonymousId: required");
    }

    @Test
    void anonymousIdAloneIsEnough() {
      Event e = parse("{'event':'x','anonymousId':'a','timestamp':'" + TS + "'}");

      assertThat(e.userId()).isNull();
      assertThat(e.profileKey()).isEqualTo("a");
    }
  }

  @Nested
  class Timestamps_ {

    @Test
    void fallsBackToOriginalTimestampThenSentAtThenReceivedAt() {
      String base = "{'event':'x','userId':'u',";
      assertThat(
              parse(
                      base
                          + "'receivedAt':'2026-01-03T00:00:00Z','sentAt':'2026-01-02T00:00:00Z',"
                          + "'originalTimestamp':'2026-01-01T00:00:00Z'}")
                  .timestamp())
          .isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
      assertThat(
              parse(base + "'receivedAt':'2026-01-03T00:00:00Z','sentAt':'2026-01-02T00:00:00Z'}")
                  .timestamp())
          .isEqualTo(Instant.parse("2026-01-02T00:00:00Z").toEpochMilli());
      assertThat(parse(base + "'receivedAt':'2026-01-03T00:00:00Z'}").timestamp())
          .isEqualTo(Instant.parse("2026-01-03T00:00:00Z").toEpochMilli());
    }

    @Test
    void aBadFallbackIsOnlyAnErrorWhenItIsUsed() {
      assertThat(
              parse("{'event':'x','userId':'u','sentAt':'yesterday','timestamp':'" + TS + "'}")
                  .timestamp())
          .isEqualTo(TS_MILLIS);
      assertThat(error("{'event':'x','userId':'u','sentAt':'yesterday'}"))
          .isEqualTo("sentAt: not ISO-8601");
      assertThat(error("{'event':'x','userId':'u','originalTimestamp':5}"))
          .isEqualTo("originalTimestamp: must be an ISO-8601 string");
    }

    @Test
    void missingEverywhereIsAnErrorByDefault() {
      assertThat(error("{'event':'x','userId':'u','timestamp':null}"))
          .isEqualTo("timestamp: required");
    }

    @Test
    void missingEverywhereTakesTheDefaultClockWhenGiven() {
      Instant arrival = Instant.parse("2026-05-01T12:00:00.123Z");
      EventParser stamping =
          EventParser.builder().defaultTimestamp(InstantSource.fixed(arrival)).build();

      Event e = parsed(stamping.parse(json("{'event':'x','userId':'u'}")));
      Event withSentAt =
          parsed(stamping.parse(json("{'event':'x','userId':'u','sentAt':'2026-01-01T00:00Z'}")));

      assertThat(e.timestamp()).isEqualTo(arrival.toEpochMilli());
      assertThat(withSentAt.timestamp())
          .isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    }

    @Test
    void offsetsAreApplied() {
      assertThat(
              parse("{'event':'x','userId':'u','timestamp':'2026-01-08T09:30:00+03:30'}")
                  .timestamp())
          .isEqualTo(Instant.parse("2026-01-08T06:00:00Z").toEpochMilli());
    }
  }

  @Nested
  class MessageIds {

    private static final String BODY =
        "{'type':'track','userId':'u','event':'Signed Up','timestamp':'" + TS + "'}";

    @Test
    void derivedFromTheObjectsBytesWhenMissing() {
      Event e = parse(BODY);

      byte[] bytes = json(BODY).getBytes(StandardCharsets.UTF_8);
      assertThat(e.messageId()).isEqualTo(UUID.nameUUIDFromBytes(bytes).toString());
    }

    @Test
    void theSameLineGetsTheSameIdWhereverItSits() {
      byte[] line = (" \t" + json(BODY) + "\r\n").getBytes(StandardCharsets.UTF_8);
      byte[] buf = new byte[line.length + 10];
      System.arraycopy(line, 0, buf, 7, line.length);

      Event inPlace = parsed(parser.parse(buf, 7, line.length));
      Event alone = parse(BODY);

      assertThat(inPlace.messageId()).isEqualTo(alone.messageId());
      assertThat(parse(BODY.replace("Signed Up", "Signed Out")).messageId())
          .isNotEqualTo(alone.messageId());
    }

    @Test
    void emptyIsMissing() {
      assertThat(parse(BODY.replace("{'type'", "{'messageId':'','type'")).messageId()).hasSize(36);
    }
  }

  @Nested
  class Context {

    private String withContext(String context) {
      return "{'event':'x','userId':'u','timestamp':'" + TS + "','context':" + context + "}";
    }

    @Test
    void timezoneMustBeAnIanaZone() {
      assertThat(parse(withContext("{'timezone':'UTC'}")).context().timezone()).isEqualTo("UTC");
      assertThat(error(withContext("{'timezone':'Mars/Olympus_Mons'}")))
          .isEqualTo(
              "context.timezone: unknown time zone 'Mars/Olympus_Mons'"
                  + " (expected an IANA name such as Europe/Berlin)");
      assertThat(error(withContext("{'timezone':'+03:30'}"))).startsWith("context.timezone:");
      assertThat(error(withContext("{'timezone':3}")))
          .isEqualTo("context.timezone: must be a string");
    }

    @Test
    void location() {
      assertThat(parse(withContext("{'location':{'city':'Shiraz'}}")).context().location())
          .isNull();
      assertThat(error(withContext("{'location':{'latitude':95,'longitude':0}}")))
          .isEqualTo("context.location.latitude: must be between -90 and 90");
      assertThat(error(withContext("{'location':{'latitude':1}}")))
          .isEqualTo("context.location: latitude and longitude must be given together");
      assertThat(error(withContext("{'location':{'latitude':'1','longitude':2}}")))
          .isEqualTo("context.location.latitude: must be a number");
      assertThat(error(withContext("{'location':[]}")))
          .isEqualTo("context.location: must be an object");
    }

    @Test
    void rawIsTheExactObject() {
      String context = "{ 'library' : {'name':'x'}, 'ip':'::1' , 'extra':[1,2,{'a':null}] }";

      Event e = parse(withContext(context));

      assertThat(e.context().raw().toJson()).isEqualTo(json(context));
      assertThat(e.context().ip()).isEqualTo("::1");
    }

    @Test
    void duplicateExtractedFieldsAreRefused() {
      assertThat(error(withContext("{'ip':'1.1.1.1','ip':'2.2.2.2'}")))
          .isEqualTo("context.ip: duplicate field");
    }
  }

  @Nested
  class Errors {

    @Test
    void fieldErrors() {
      String ok = "'userId':'u','timestamp':'" + TS + "'";
      assertThat(error("{'type':'trak','event':'x'," + ok + "}"))
          .isEqualTo("type: unknown 'trak' (expected track, identify, page, screen, group, alias)");
      assertThat(error("{'type':'track'," + ok + "}")).isEqualTo("event: required for track");
      assertThat(error("{" + ok + "}"))
          .isEqualTo("type: required (or an event name, for a track call)");
      assertThat(error("{'event':'x','userId':'u','timestamp':'2026-01-08 09:30'}"))
          .isEqualTo("timestamp: not ISO-8601");
      assertThat(error("{'event':'x','userId':'u','timestamp':'2026-01-08T09:30:00'}"))
          .isEqualTo("timestamp: not ISO-8601");
      assertThat(error("{'event':'x','userId':'u','timestamp':1767859200000}"))
          .isEqualTo("timestamp: must be an ISO-8601 string");
      assertThat(error("{'event':'x'," + ok + ",'properties':[1]}"))
          .isEqualTo("properties: must be an object");
      assertThat(error("{'type':'identify'," + ok + ",'traits':'vip'}"))
          .isEqualTo("traits: must be an object");
      assertThat(error("{'event':'x'," + ok + ",'context':true}"))
          .isEqualTo("context: must be an object");
      assertThat(error("{'event':''," + ok + "}")).isEqualTo("event: must not be empty");
      assertThat(error("{'event':7," + ok + "}")).isEqualTo("event: must be a string");
      assertThat(error("{'type':7," + ok + "}")).isEqualTo("type: must be a string");
      assertThat(error("{'event':'x','userId':{'id':1}}"))
          .isEqualTo("userId: must be a string or a number");
      assertThat(error("{'event':'x','userId':1.5}"))
          .isEqualTo("userId: must be a string or a whole number");
      assertThat(error("{'type':'alias'," + ok + "}")).isEqualTo("previousId: required for alias");
      assertThat(error("{'type':'group'," + ok + "}")).isEqualTo("groupId: required for group");
      assertThat(error("{'type':'page','name':3," + ok + "}")).isEqualTo("name: must be a string");
      assertThat(error("{'event':'x','messageId':5," + ok + "}"))
          .isEqualTo("messageId: must be a string");
      assertThat(error("{'event':'x','userId':'a','userId':'b'}"))
          .isEqualTo("userId: duplicate field");
    }

    @Test
    void unknownFieldsAreIgnoredEvenWhenRepeated() {
      Event e =
          parse(
              "{'event':'x','userId':'u','timestamp':'"
                  + TS
                  + "','integrations':{'All':false},'integrations':7,"
                  + "'writeKey':'k','channel':'server','version':2,'_metadata':{'a':[[[]]]}}");

      assertThat(e.name()).isEqualTo("x");
    }

    @Test
    void syntaxErrorsGiveTheColumn() {
      String whole = json("{'event':'x','userId':'u','timestamp':'" + TS + "'}");
      String truncated = whole.substring(0, 56);

      Result.Invalid r = invalid(parser.parse(truncated));

      assertThat(r.field()).isEqualTo(Result.Invalid.JSON);
      assertThat(r).hasToString("(json): unexpected end of input at column 57");
      assertThat(error("{'event':'x' 'userId':'u'}"))
          .isEqualTo(
              "(json): unexpected character '\"': was expecting comma to separate Object"
                  + " entries at column 14");
      assertThat(error("{\n'event':\n  nope}"))
          .isEqualTo(
              "(json): unrecognized token 'nope': was expecting a JSON value at line 3, column 3");
      assertThat(error("{'event':'a\nb'}"))
          .isEqualTo("(json): control character (code 10) must be escaped at column 12");
      assertThat(error("{'event':'x',}"))
          .isEqualTo(
              "(json): unexpected character '}': was expecting double-quote to start field name"
                  + " at column 14");
      assertThat(error("{'a':NaN}")).isEqualTo("(json): non-standard token 'NaN' at column 6");
      assertThat(error("{'a':1 // no comments\n}"))
          .isEqualTo(
              "(json): unexpected character '/': maybe a (non-standard) comment? at column 8");
      assertThat(error("{'a':'\\q'}"))
          .isEqualTo("(json): unrecognized character escape 'q' at column 8");
      assertThat(error("{'a':01}"))
          .isEqualTo("(json): invalid numeric value: Leading zeroes not allowed at column 7");
    }

    @Test
    void notAnObject() {
      assertThat(parser.parse("").toString()).isEqualTo("(json): empty message");
      assertThat(parser.parse("  \n ").toString()).isEqualTo("(json): empty message");
      assertThat(parser.parse("[1]").toString())
          .isEqualTo("(json): must be a JSON object, not an array");
      assertThat(parser.parse("\"track\"").toString())
          .isEqualTo("(json): must be a JSON object, not a string");
      assertThat(parser.parse("null").toString())
          .isEqualTo("(json): must be a JSON object, not null");
    }

    @Test
    void trailingContentIsRefused() {
      String ok = json("{'event':'x','userId':'u','timestamp':'" + TS + "'}");

      assertThat(parser.parse(ok + " \n")).isInstanceOf(Result.Parsed.class);
      assertThat(parser.parse(ok + " x").toString())
          .isEqualTo("(json): unexpected content after the object at column " + (ok.length() + 2));
      assertThat(parser.parse(ok + ok).toString())
          .isEqualTo("(json): unexpected content after the object at column " + (ok.length() + 1));
      assertThat(parser.parse(ok + "}").toString())
          .startsWith("(json): unexpected content after the object");
    }

    @Test
    void nestingDeeperThanTheLimitNamesTheField() {
      String ok = "'event':'x','userId':'u','timestamp':'" + TS + "'";
      // The message is level 1 and properties level 2: 62 more arrays reach 64.
      String deepest = "[".repeat(62) + "]".repeat(62);
      String tooDeep = "[".repeat(63) + "]".repeat(63);

      assertThat(parse("{" + ok + ",'properties':{'a':" + deepest + "}}").properties().get("a"))
          .isInstanceOf(List.class);
      assertThat(error("{" + ok + ",'properties':{'a':" + tooDeep + "}}"))
          .isEqualTo("properties: nested deeper than 64 levels");
      assertThat(
              error(
                  "{" + ok + ",'integrations':" + "{'a':".repeat(70) + "1" + "}".repeat(70) + "}"))
          .isEqualTo("integrations: nested deeper than 64 levels");

      EventParser shallow = EventParser.builder().maxNestingDepth(3).build();
      assertThat(shallow.parse(json("{" + ok + ",'properties':{'a':[[1]]}}")).toString())
          .isEqualTo("properties: nested deeper than 3 levels");
      assertThatThrownBy(() -> EventParser.builder().maxNestingDepth(2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxNestingDepth must be between 3 and 1000: 2");
    }

    @Test
    void badUtf8IsRefused() {
      byte[] prefix = json("{'event':'x','userId':'").getBytes(StandardCharsets.UTF_8);
      byte[][] bad = {
        {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
        {(byte) 0x80}, // a stray continuation byte
        {(byte) 0xE2, (byte) 0x82}, // cut short
        {(byte) 0xFF},
      };
      for (byte[] b : bad) {
        byte[] msg = new byte[prefix.length + b.length + 2];
        System.arraycopy(prefix, 0, msg, 0, prefix.length);
        System.arraycopy(b, 0, msg, prefix.length, b.length);
        msg[msg.length - 2] = '"';
        msg[msg.length - 1] = '}';

        assertThat(parser.parse(msg, 0, msg.length).toString())
            .isEqualTo("(json): invalid UTF-8 at column " + (prefix.length + 1));
      }
    }

    @Test
    void nulIsRefusedBeforeJacksonCanMistakeTheInputForUtf16() {
      byte[] msg = {'{', 0, '}', 0};

      assertThat(parser.parse(msg, 0, msg.length).toString())
          .isEqualTo("(json): NUL byte at column 2");
      byte[] later = json("{'event':'a_b'}").getBytes(StandardCharsets.UTF_8);
      later[11] = 0;
      assertThat(parser.parse(later, 0, later.length).toString())
          .isEqualTo("(json): control character (code 0) must be escaped at column 12");
    }

    @Test
    void rangeOutsideTheBufferIsABug() {
      assertThatThrownBy(() -> parser.parse(new byte[4], 2, 3))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
  }
}
