package io.kairos.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * Writes drafts as Segment {@code track} events, one compact JSON object per line, straight into a
 * byte buffer. Every string written is either a constant of this package or digits, all plain ASCII
 * with nothing to escape, which is what lets this skip a JSON library and write a line in about a
 * hundred nanoseconds.
 */
final class JsonLines implements AutoCloseable {

  private static final int BUFFER = 1 << 20;
  // far more than the longest line (an order of three items is under 700 bytes)
  private static final int LINE_ROOM = 4096;

  private static final byte[] TYPE = ascii("{\"type\":\"track\",\"messageId\":\"m-");
  private static final byte[] USER = ascii("\",\"userId\":\"u-");
  private static final byte[] TIMESTAMP = ascii("\",\"timestamp\":\"");
  private static final byte[] EVENT = ascii("Z\",\"event\":\"");
  private static final byte[] PROPERTIES = ascii("\",\"properties\":");
  private static final byte[] CONTEXT = ascii(",\"context\":{\"ip\":\"");
  private static final byte[] PRODUCT = ascii("{\"product_id\":\"p-");
  private static final byte[] PRICE = ascii("\",\"price\":");
  private static final byte[] QUANTITY = ascii(",\"quantity\":");
  private static final byte[] CATEGORY = ascii(",\"category\":\"");
  private static final byte[] ORDER = ascii("{\"order_id\":\"o-");
  private static final byte[] REVENUE = ascii("\",\"revenue\":");
  private static final byte[] PRODUCTS = ascii(",\"currency\":\"USD\",\"products\":[");
  private static final byte[][] SIGNUP = {
    ascii("{\"method\":\"email\"}"),
    ascii("{\"method\":\"google\"}"),
    ascii("{\"method\":\"apple\"}")
  };
  private static final byte[] APP_OPENED =
      ascii("{\"from_background\":false,\"version\":\"5.2.1\",\"build\":\"521\"}");
  private static final String[][] LIBRARIES = {
    {"analytics.js", "4.1.0"}, {"analytics-ios", "4.1.8"}, {"analytics-android", "4.11.3"}
  };

  private final OutputStream out;
  private final Population people;
  private final long startEpochSecond;
  private final int messageIdWidth;
  private final int userIdWidth;
  private final byte[][] pages;
  private final byte[][] categories;
  private final byte[][] ipPrefixes;
  private final byte[][][] contextTails;
  private final byte[] buf = new byte[BUFFER];
  private int pos;
  private long messages;
  private long cachedDay = Long.MIN_VALUE;
  private final byte[] dayPrefix = new byte[11];

  JsonLines(OutputStream out, Population people, GeneratorOptions options) {
    this.out = out;
    this.people = people;
    this.startEpochSecond = options.startEpochSecond();
    this.messageIdWidth = Math.max(9, Long.toString(options.events()).length());
    this.userIdWidth = Math.max(6, Integer.toString(options.users()).length());
    this.pages = new byte[Catalog.PAGES.length][];
    for (int i = 0; i < pages.length; i++) {
      String[] page = Catalog.PAGES[i];
      pages[i] = ascii("{\"path\":\"" + page[0] + "\",\"title\":\"" + page[1] + "\"}");
    }
    this.categories = new byte[Catalog.CATEGORIES.length][];
    for (int i = 0; i < categories.length; i++) {
      categories[i] = ascii(Catalog.CATEGORIES[i]);
    }
    this.ipPrefixes = new byte[Population.IP_PREFIXES.length][];
    for (int i = 0; i < ipPrefixes.length; i++) {
      ipPrefixes[i] = ascii(Population.IP_PREFIXES[i]);
    }
    this.contextTails = new byte[Population.PLACES.length][LIBRARIES.length][];
    for (int p = 0; p < Population.PLACES.length; p++) {
      for (int l = 0; l < LIBRARIES.length; l++) {
        contextTails[p][l] =
            ascii(
                "\",\"locale\":\""
                    + Population.PLACES[p].locale()
                    + "\",\"timezone\":\""
                    + Population.PLACES[p].zone()
                    + "\",\"library\":{\"name\":\""
                    + LIBRARIES[l][0]
                    + "\",\"version\":\""
                    + LIBRARIES[l][1]
                    + "\"}}}\n");
      }
    }
  }

  void write(Draft d) throws IOException {
    if (pos > BUFFER - LINE_ROOM) {
      flush();
    }
    put(TYPE);
    padded(++messages, messageIdWidth);
    put(USER);
    padded(d.user + 1L, userIdWidth);
    put(TIMESTAMP);
    timestamp(startEpochSecond + d.second);
    put(EVENT);
    put(d.name.bytes());
    put(PROPERTIES);
    properties(d);
    put(CONTEXT);
    int ip = people.ip(d.user);
    put(ipPrefixes[ip >>> 8]);
    digits(ip & 0xFF);
    put(contextTails[people.place(d.user)][people.platform(d.user)]);
  }

  private void properties(Draft d) {
    switch (d.name) {
      case SIGNED_UP -> put(SIGNUP[(int) d.detail]);
      case APPLICATION_OPENED -> put(APP_OPENED);
      case PAGE_VIEWED -> put(pages[d.page]);
      case PRODUCT_VIEWED -> product(d.product, 0);
      case PRODUCT_ADDED, PRODUCT_REMOVED ->
          product(
              Catalog.cartProduct(d.cartSeed, d.item), Catalog.cartQuantity(d.cartSeed, d.item));
      case ORDER_COMPLETED -> order(d);
    }
  }

  private void order(Draft d) {
    long revenueCents = 0;
    for (int i = 0; i < d.item; i++) {
      revenueCents +=
          (long) Catalog.priceCents(Catalog.cartProduct(d.cartSeed, i))
              * Catalog.cartQuantity(d.cartSeed, i);
    }
    put(ORDER);
    padded(d.detail, 9);
    put(REVENUE);
    money(revenueCents);
    put(PRODUCTS);
    for (int i = 0; i < d.item; i++) {
      if (i > 0) {
        buf[pos++] = ',';
      }
      product(Catalog.cartProduct(d.cartSeed, i), Catalog.cartQuantity(d.cartSeed, i));
    }
    buf[pos++] = ']';
    buf[pos++] = '}';
  }

  /** A product object; {@code quantity} 0 leaves the quantity out (a view, not a cart line). */
  private void product(int product, int quantity) {
    put(PRODUCT);
    padded(product, 4);
    put(PRICE);
    money(Catalog.priceCents(product));
    if (quantity > 0) {
      put(QUANTITY);
      digits(quantity);
    }
    put(CATEGORY);
    put(categories[product % categories.length]);
    buf[pos++] = '"';
    buf[pos++] = '}';
  }

  /**
   * Always with a decimal point ({@code 25.0}, {@code 25.5}, {@code 25.99}) so a price is a double
   * to every reader, never an int in one event and a double in the next.
   */
  private void money(long cents) {
    digits(cents / 100);
    buf[pos++] = '.';
    int fraction = (int) (cents % 100);
    buf[pos++] = (byte) ('0' + fraction / 10);
    if (fraction % 10 != 0) {
      buf[pos++] = (byte) ('0' + fraction % 10);
    }
  }

  /** {@code yyyy-MM-ddTHH:mm:ss}; the date part changes once a simulated day, so it is cached. */
  private void timestamp(long epochSecond) {
    long day = Math.floorDiv(epochSecond, 86_400L);
    if (day != cachedDay) {
      byte[] text = ascii(LocalDate.ofEpochDay(day) + "T");
      if (text.length != dayPrefix.length) {
        throw new IllegalStateException("year out of range: " + LocalDate.ofEpochDay(day));
      }
      System.arraycopy(text, 0, dayPrefix, 0, dayPrefix.length);
      cachedDay = day;
    }
    put(dayPrefix);
    int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
    two(secondOfDay / 3600);
    buf[pos++] = ':';
    two(secondOfDay / 60 % 60);
    buf[pos++] = ':';
    two(secondOfDay % 60);
  }

  private void two(int value) {
    buf[pos++] = (byte) ('0' + value / 10);
    buf[pos++] = (byte) ('0' + value % 10);
  }

  private void padded(long value, int width) {
    int length = Math.max(width, length(value));
    int end = pos + length;
    for (int i = end - 1; i >= pos; i--) {
      buf[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    pos = end;
  }

  private void digits(long value) {
    padded(value, 1);
  }

  private static int length(long value) {
    int n = 1;
    while (value >= 10) {
      value /= 10;
      n++;
    }
    return n;
  }

  private void put(byte[] bytes) {
    System.arraycopy(bytes, 0, buf, pos, bytes.length);
    pos += bytes.length;
  }

  void flush() throws IOException {
    out.write(buf, 0, pos);
    pos = 0;
  }

  @Override
  public void close() throws IOException {
    flush();
    out.flush();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
