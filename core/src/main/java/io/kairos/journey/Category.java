package io.kairos.journey;

/** Whether a message is marketing (caps, quiet hours, consent apply) or transactional. */
public enum Category {
  MARKETING,
  TRANSACTIONAL
}
