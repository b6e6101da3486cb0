package io.kairos.event;

/**
 * Where one JSON object lies in the input: {@code buf[start, end)}, and the {@link
 * PageProperties#bit bits} of the top-level keys page completion cares about (0 when not noted).
 */
final class Slice {
  final int start;
  final int end;
  final int keyBits;

  Slice(int start, int end, int keyBits) {
    this.start = start;
    this.end = end;
    this.keyBits = keyBits;
  }
}
