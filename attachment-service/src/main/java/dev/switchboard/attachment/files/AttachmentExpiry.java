package dev.switchboard.attachment.files;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.switchboard.platform.outbox.PeriodicTask;

/**
 * Runs the expiry sweep on every instance at the configured interval (the local Mongo server has no TTL
 * indexes, and a TTL index would not remove the GridFS bytes or publish the event anyway).
 */
@Component
class AttachmentExpiry implements SmartLifecycle {

    private final PeriodicTask sweeping;

    AttachmentExpiry(Attachments attachments, AttachmentProperties properties) {
        this.sweeping = new PeriodicTask("Attachment expiry", properties.sweepInterval(), attachments::expire);
    }

    @Override
    public void start() {
        sweeping.start();
    }

    @Override
    public void stop() {
        sweeping.stop();
    }

    @Override
    public boolean isRunning() {
        return sweeping.isRunning();
    }
}
