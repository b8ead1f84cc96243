package dev.switchboard.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.events.EventMetadata;
import dev.switchboard.events.mailbox.ExternalAccountDisabled;
import dev.switchboard.notification.preferences.MailPreferences;
import dev.switchboard.notification.preferences.MailPreferencesService;
import dev.switchboard.notification.settings.SenderSettingsService;
import dev.switchboard.platform.events.EventSerde;
import reactor.core.publisher.Mono;

class AdministratorNoticesTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MailPreferencesService preferences = mock(MailPreferencesService.class);
    private final SenderSettingsService senders = mock(SenderSettingsService.class);
    private final AdministratorNotices notices = new AdministratorNotices(preferences, senders, new MailRenderer(),
            DeliveryServiceTest.properties(Duration.ofSeconds(10)), new EventSerde());
    private final ExternalAccountDisabled disabled = ExternalAccountDisabled.newBuilder()
            .setMetadata(EventMetadata.newBuilder().setEventId("e-1").setOccurredAt(Instant.now()).setServiceId("demo")
                    .setProducer("account-service").build())
            .setAccountId(3).setMail("help@demo.example").setReason("AUTHENTICATION_FAILED: 535 login refused").build();
    private final byte[] payload = new EventSerde().encode(disabled);

    @Test
    void eachAdministratorIsOwedOneNoticeWhoseIdNamesNoAddress() {
        administrators(true, "Admin@Demo.example", "deputy@demo.example");

        var owed = notices.owedBy(disabled, payload).collectList().block(WAIT);

        assertThat(owed).hasSize(2).extracting(DeliveryService.Owed::deliveryId).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).startsWith("mailbox-disabled:e-1:").doesNotContain("demo.example"));
        // the same event and address give the same delivery: a redelivered event owes nothing new
        assertThat(AdministratorNotices.deliveryId("e-1", "admin@demo.example"))
                .isEqualTo(AdministratorNotices.deliveryId("e-1", " ADMIN@demo.example"));
    }

    @Test
    void noticesTurnedOffOweNothing() {
        administrators(false, "admin@demo.example");

        assertThat(notices.owedBy(disabled, payload).collectList().block(WAIT)).isEmpty();
    }

    @Test
    void theNoticeSaysWhichMailboxAndWhyAndGoesOnlyToAStillNamedAdministrator() {
        administrators(true, "admin@demo.example");
        when(senders.find(any())).thenReturn(Mono.empty());
        var delivery = delivery(AdministratorNotices.deliveryId("e-1", "admin@demo.example"));

        var mail = notices.render(delivery, disabled).block(WAIT);

        assertThat(mail.toMail()).isEqualTo("admin@demo.example");
        assertThat(mail.subject()).contains("help@demo.example");
        assertThat(mail.text()).contains("535 login refused");
        assertThat(mail.autoSubmitted()).isEqualTo("auto-generated");

        administrators(true, "someone-else@demo.example");
        assertThat(notices.render(delivery, disabled).blockOptional(WAIT)).isEmpty();
    }

    private void administrators(boolean enabled, String... addresses) {
        when(preferences.of("demo")).thenReturn(Mono.just(new MailPreferences("demo", true, Map.of(), true, enabled,
                List.of(addresses), Instant.now())));
    }

    private Delivery delivery(String deliveryId) {
        return new Delivery(deliveryId, "demo", null, AdministratorNotices.PURPOSE, null, null, Delivery.Status.SENDING,
                disabled.getSchema().getFullName(), payload, Instant.now(), "c", Instant.now(), "me", Instant.now(), 1,
                Instant.now(), null, null, null, Instant.now(), Instant.now(), null, List.of());
    }
}
