/**
 * Calendar arithmetic for date triggers and scheduled occasions: reading a date out of a profile
 * attribute, the next occurrence of a yearly, monthly or one-off date in a profile's time zone,
 * occasion rules (yearly, weekly, listed dates) and named calendars. Pure: every method takes the
 * moment it computes from.
 */
package io.kairos.dates;
