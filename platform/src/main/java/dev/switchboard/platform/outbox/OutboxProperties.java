package dev.switchboard.platform.outbox;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The outbox relay of a service.
 *
 * @param collections   aggregate collections that carry {@code pendingEvents}
 * @param sweepInterval how often stragglers are looked for
 * @param sweepMinAge   how old a pending event must be before the sweep takes it, so that the
 *                      sweep does not race the relay that runs right after each write
 * @param sweepBatch    most documents relayed per collection and sweep
 * @param relayTimeout  how long the relay right after a write may hold the caller (a request); the relay
 *                      itself goes on in the background
 * @param claimTimeout  how long one relay may hold a document before another may take it over (longer than
 *                      the producer's delivery timeout, so a live relay is never overtaken)
 * @param sweepTimeout  how long one sweep round may take before it is cancelled and the next one starts
 * @param backgroundRelays how many relays may still be publishing after their callers were answered: the write is
 *                      durable, so a request need not wait for the broker; beyond this many, callers wait for their
 *                      relay again (at most {@code relayTimeout}), so a slow broker slows the writers down instead
 *                      of piling up relays; 0: every caller waits
 */
@ConfigurationProperties("switchboard.outbox")
public record OutboxProperties(@DefaultValue List<String> collections,
                               @DefaultValue("2s") Duration sweepInterval,
                               @DefaultValue("5s") Duration sweepMinAge,
                               @DefaultValue("500") int sweepBatch,
                               @DefaultValue("3s") Duration relayTimeout,
                               @DefaultValue("60s") Duration claimTimeout,
                               @DefaultValue("2m") Duration sweepTimeout,
                               @DefaultValue("256") int backgroundRelays) {
}
