package io.kairos.server.delivery;

import io.kairos.policy.Consent;
import io.kairos.policy.Policies;
import io.kairos.profile.Profile;
import java.time.ZoneId;

/**
 * A message's recipient as committed now: the profile (followed through merges), its consent, its
 * zone and the workspace's policies.
 *
 * @param profileId the profile the message's reports go to (the merge target, when merged)
 * @param consent null when the profile never said anything about consent
 */
record Recipient(
    String profileId, Profile profile, Consent consent, ZoneId zone, Policies policies) {}
