/**
 * Message templates: Liquid rendering of a template's locale variant for one customer. A template
 * is compiled once per id, version, locale and field and cached; rendering is sandboxed (no
 * includes, bounded loops, output and template size) and pure: the time comes from the render
 * context, never the system clock, and a caller adds a wall-clock deadline through {@link
 * io.kairos.template.StopSignal}.
 */
package io.kairos.template;
