package io.kairos.server.runtime;

import java.util.List;

/**
 * A profile to erase (GDPR): its state, timers, outbox, timeline and inbox rows, identities and the
 * events it sent before the erase row {@code seq}, under its own id and every anonymous id it
 * absorbed.
 *
 * @param timers the keys of the stored timers of those profiles (found before the transaction)
 */
record Erasure(
    String workspace,
    String profile,
    long seq,
    String actor,
    List<String> ids,
    List<PartitionReads.TimerKey> timers) {}
