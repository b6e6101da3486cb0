package io.kairos.server.testing;

/** The stores every store test runs against: use with {@code @EnumSource(StoreKind.class)}. */
public enum StoreKind {
  SQLITE,
  POSTGRES
}
