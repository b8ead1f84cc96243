package dev.switchboard.ticket.attachment;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param expiryMargin a file that expires sooner than this cannot be attached any more
 * @param arrivalWait  how long a reference to a file not yet announced waits for its event (an upload
 *                     immediately followed by its ticket)
 */
@ConfigurationProperties("switchboard.ticket.attachments")
record AttachmentSettings(@DefaultValue("10m") Duration expiryMargin, @DefaultValue("3s") Duration arrivalWait) {
}
