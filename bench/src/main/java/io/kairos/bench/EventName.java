package io.kairos.bench;

import java.nio.charset.StandardCharsets;

/** The track events the generator writes, with their names pre-encoded for the writer. */
enum EventName {
  SIGNED_UP("Signed Up"),
  APPLICATION_OPENED("Application Opened"),
  PAGE_VIEWED("Page Viewed"),
  PRODUCT_VIEWED("Product Viewed"),
  PRODUCT_ADDED("Product Added"),
  PRODUCT_REMOVED("Product Removed"),
  ORDER_COMPLETED("Order Completed");

  private final String text;
  private final byte[] json;

  EventName(String text) {
    this.text = text;
    this.json = text.getBytes(StandardCharsets.US_ASCII);
  }

  String text() {
    return text;
  }

  byte[] bytes() {
    return json;
  }
}
