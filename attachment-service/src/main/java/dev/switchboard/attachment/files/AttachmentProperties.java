package dev.switchboard.attachment.files;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * Limits and timings of stored files.
 *
 * @param maxSize           the largest file accepted, enforced while the upload streams
 * @param unreferencedTtl   how long an upload waits for a ticket to reference it before it is retired: no longer
 *                          served or offered, its bytes kept
 * @param purgeRetention    how long a retired upload keeps its bytes: a ticket's reference arriving within it (a
 *                          delayed or replayed ticket event) restores the file; only after it are the bytes removed
 * @param sweepInterval     how often each instance looks for expired uploads
 * @param claimTimeout      after this, an expiry claimed by an instance that died is taken over
 * @param linkTtl           how long a download link stays valid
 * @param linkKey           the secret download links are signed with (at least 32 characters)
 */
@Validated
@ConfigurationProperties("switchboard.attachment")
record AttachmentProperties(@DefaultValue("10MB") @NotNull DataSize maxSize,
                            @DefaultValue("24h") @NotNull Duration unreferencedTtl,
                            @DefaultValue("30d") @NotNull Duration purgeRetention,
                            @DefaultValue("1m") @NotNull Duration sweepInterval,
                            @DefaultValue("5m") @NotNull Duration claimTimeout,
                            @DefaultValue("15m") @NotNull Duration linkTtl,
                            @NotBlank @Size(min = 32) String linkKey) {

    @Override
    public String toString() {
        return "AttachmentProperties[maxSize=" + maxSize + ", unreferencedTtl=" + unreferencedTtl
                + ", purgeRetention=" + purgeRetention + ", linkKey=********]";
    }
}
