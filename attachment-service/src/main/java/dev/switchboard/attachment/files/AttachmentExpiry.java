package dev.switchboard.attachment.files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs the expiry sweep on every instance at the configured interval (the local Mongo server has no TTL
 * indexes, and a TTL index would not remove the GridFS bytes or publish the event anyway).
 */
@Component
class AttachmentExpiry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AttachmentExpiry.class);

    private final Attachments attachments;
    private final AttachmentProperties properties;
    private volatile Disposable sweeping;

    AttachmentExpiry(Attachments attachments, AttachmentProperties properties) {
        this.attachments = attachments;
        this.properties = properties;
    }

    @Override
    public void start() {
        sweeping = Flux.interval(properties.sweepInterval(), Schedulers.parallel())
                .concatMap(tick -> attachments.expire().onErrorResume(error -> {
                    log.warn("Attachment expiry failed, retrying next interval: {}", error.toString());
                    return Mono.empty();
                }))
                .subscribe(null, error -> log.error("Attachment expiry stopped", error));
    }

    @Override
    public void stop() {
        Disposable current = sweeping;
        if (current != null) {
            current.dispose();
        }
        sweeping = null;
    }

    @Override
    public boolean isRunning() {
        return sweeping != null && !sweeping.isDisposed();
    }
}
