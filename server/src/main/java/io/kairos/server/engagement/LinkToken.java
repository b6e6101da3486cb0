package io.kairos.server.engagement;

/**
 * What a signed link in a message says: which message, for whom, and what the link is for. A link
 * carries it signed ({@link LinkSigner}), so the token itself is the credential of the public
 * endpoints: nobody can make one for another profile, message, workspace or URL.
 *
 * @param purpose what the link does; a token made for one purpose is refused by the others
 * @param workspace the message's workspace
 * @param messageId the outbox message id
 * @param profile the profile the message went to (the merge target when merged)
 * @param channel the message's channel
 * @param topic the message's topic, or null
 * @param category the message's category ({@code marketing}, {@code lifecycle}, {@code
 *     transactional}), or null
 * @param url for a click: the URL that was in the message, where the click is sent; else null
 */
public record LinkToken(
    Purpose purpose,
    String workspace,
    String messageId,
    String profile,
    String channel,
    String topic,
    String category,
    String url) {

  /** What a link is for, with the letter its token carries and the path it is served under. */
  public enum Purpose {
    OPEN('o', "/t/o/"),
    CLICK('c', "/t/c/"),
    UNSUBSCRIBE('u', "/u/"),
    PREFERENCES('p', "/p/"),
    VIEW('v', "/v/");

    private final char code;
    private final String path;

    Purpose(char code, String path) {
      this.code = code;
      this.path = path;
    }

    char code() {
      return code;
    }

    /** The path prefix it is served under, e.g. {@code /u/}. */
    public String path() {
      return path;
    }

    static Purpose of(char code) {
      for (Purpose p : values()) {
        if (p.code == code) {
          return p;
        }
      }
      return null;
    }
  }

  /** The same message's token for another purpose (no URL). */
  public LinkToken as(Purpose other) {
    return new LinkToken(other, workspace, messageId, profile, channel, topic, category, null);
  }

  /** The same message's click token for {@code target}. */
  public LinkToken click(String target) {
    return new LinkToken(
        Purpose.CLICK, workspace, messageId, profile, channel, topic, category, target);
  }
}
