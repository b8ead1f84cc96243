package dev.switchboard.ticket.ticket;

import java.nio.ByteBuffer;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

import org.springframework.stereotype.Component;

import dev.switchboard.platform.crypto.ContactSeal;
import dev.switchboard.platform.crypto.KeyedHash;
import dev.switchboard.platform.crypto.SealedContact;
import dev.switchboard.platform.crypto.SecretBox;
import dev.switchboard.ticket.ticket.TicketRequests.EndUserBody;
import dev.switchboard.ticket.ticket.TicketRequests.EndUserView;
import dev.switchboard.ticket.ticket.TicketRequests.UserFieldView;
import tools.jackson.databind.json.JsonMapper;

/**
 * Seals a customer's personal data in a ticket and opens it again. E-mail and phone are always sealed, the
 * name when the tenant's form marks it {@code encrypt}, and so is every user field so marked. Each sealed
 * value is bound to its tenant, ticket and field (the AEAD's associated data), so a value copied into another
 * ticket does not open. E-mail and name also keep a keyed hash of their normalized form, which is what the
 * list filters match; only one tenant's hashes match that tenant's lookups.
 */
@Component
class PersonalData {

    static final String EMAIL = "endUser.email";
    static final String USERNAME = "endUser.username";
    static final String PHONE = "endUser.phone";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SecretBox box;
    private final KeyedHash hash;
    private final ContactSeal forNotification;

    PersonalData(PersonalDataKeys keys) {
        this.box = new SecretBox(keys.keyset());
        this.hash = new KeyedHash(keys.hashKey());
        this.forNotification = new ContactSeal(keys.contactKey());
    }

    /** Where to mail the customer, sealed for notification-service; null when there is no address. */
    ByteBuffer contactForEvents(String serviceId, String ticketId, String email, String username) {
        if (email == null || email.isBlank()) {
            return null;
        }
        return forNotification.seal(new SealedContact(email, username), serviceId, ticketId);
    }

    Ticket.EndUser seal(String serviceId, String ticketId, EndUserBody body, boolean nameSealed) {
        if (body == null) {
            return null;
        }
        return new Ticket.EndUser(blankToNull(body.usercode()),
                protect(serviceId, ticketId, EMAIL, body.email(), true, true),
                protect(serviceId, ticketId, USERNAME, body.username(), nameSealed, true),
                protect(serviceId, ticketId, PHONE, body.phone(), true, false));
    }

    EndUserView open(Ticket ticket) {
        var endUser = ticket.endUser();
        if (endUser == null) {
            return null;
        }
        return new EndUserView(endUser.usercode(), open(ticket, EMAIL, endUser.email()),
                open(ticket, USERNAME, endUser.username()), open(ticket, PHONE, endUser.phone()));
    }

    /**
     * The customer of a ticket an older version wrote: a value it kept in clear (no hash) is protected as a new
     * ticket's is (the name stays readable, as the form's choice then is unknown); the others stay as they are.
     */
    Ticket.EndUser protectClear(Ticket ticket) {
        var endUser = ticket.endUser();
        String serviceId = ticket.serviceId();
        String ticketId = ticket.ticketId();
        return new Ticket.EndUser(endUser.usercode(),
                legacy(endUser.email()) ? protect(serviceId, ticketId, EMAIL, endUser.email().clear(), true, true)
                        : endUser.email(),
                legacy(endUser.username()) ? protect(serviceId, ticketId, USERNAME, endUser.username().clear(), false,
                        true) : endUser.username(),
                legacy(endUser.phone()) ? protect(serviceId, ticketId, PHONE, endUser.phone().clear(), true, false)
                        : endUser.phone());
    }

    /** Written before sealing: clear and unhashed (every value written since is sealed, hashed or both). */
    static boolean legacy(Ticket.Personal value) {
        return value != null && value.sealed() == null && value.hash() == null;
    }

    /** User fields as kept: the value of a field marked {@code encrypt} only sealed (once). */
    List<Ticket.UserField> seal(String serviceId, String ticketId, List<Ticket.UserField> fields) {
        return fields.stream().map(field -> field.encrypt() && field.sealed() == null
                        ? new Ticket.UserField(field.fieldId(), field.code(), field.type(), null, true,
                                box.seal(JSON.writeValueAsString(field.value()),
                                        context(serviceId, ticketId, fieldPath(field))))
                        : field)
                .toList();
    }

    List<UserFieldView> openFields(Ticket ticket) {
        return ticket.userFieldsOrEmpty().stream().map(field -> new UserFieldView(field.fieldId(), field.code(),
                        field.type(), field.sealed() == null ? field.value()
                                : JSON.readValue(box.open(field.sealed(), context(ticket.serviceId(), ticket.ticketId(),
                                        fieldPath(field))), Object.class)))
                .toList();
    }

    /** The hash a filter on the customer's e-mail address looks for in the tenant's tickets. */
    String emailLookup(String serviceId, String email) {
        return hash.of(serviceId, EMAIL, normalize(email));
    }

    String usernameLookup(String serviceId, String username) {
        return hash.of(serviceId, USERNAME, normalize(username));
    }

    /** Case, Unicode form and surrounding or repeated spaces do not make two values different. */
    static String normalize(String value) {
        return Normalizer.normalize(value, Normalizer.Form.NFKC).strip().replaceAll("\\s+", " ")
                .toLowerCase(Locale.ROOT);
    }

    private Ticket.Personal protect(String serviceId, String ticketId, String path, String value, boolean sealed,
                                    boolean hashed) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String lookup = hashed ? hash.of(serviceId, path, normalize(value)) : null;
        return sealed ? new Ticket.Personal(null, box.seal(value, context(serviceId, ticketId, path)), lookup)
                : new Ticket.Personal(value, null, lookup);
    }

    private String open(Ticket ticket, String path, Ticket.Personal value) {
        if (value == null) {
            return null;
        }
        return value.sealed() == null ? value.clear()
                : box.open(value.sealed(), context(ticket.serviceId(), ticket.ticketId(), path));
    }

    private static String fieldPath(Ticket.UserField field) {
        return "userFields." + field.fieldId();
    }

    private static String context(String serviceId, String ticketId, String path) {
        return "ticket:" + serviceId + ":" + ticketId + ":" + path;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
