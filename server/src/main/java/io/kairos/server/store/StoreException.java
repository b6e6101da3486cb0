package io.kairos.server.store;

/** The store failed (connection lost, disk full, constraint broken); the work was rolled back. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
