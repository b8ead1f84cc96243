package dev.switchboard.account.inbound;

import java.util.List;

import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

import dev.switchboard.account.external.ExternalAccounts;
import dev.switchboard.account.external.WatchedMailbox;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which mailboxes there are to watch: every active external account, and the representative account of every
 * tenant that has one (on the platform's IMAP server, when one is configured).
 */
@Component
class MailboxDirectory {

    /** The mail package's collection of sender settings, whose {@code mail} is the representative account. */
    static final String MAIL_SETTINGS = "mail_settings";

    private final ExternalAccounts externalAccounts;
    private final ReactiveMongoTemplate mongo;
    private final InboundProperties properties;

    MailboxDirectory(ExternalAccounts externalAccounts, ReactiveMongoTemplate mongo, InboundProperties properties) {
        this.externalAccounts = externalAccounts;
        this.mongo = mongo;
        this.properties = properties;
    }

    /** Every mailbox to watch now. */
    Mono<List<Mailbox>> active() {
        return Flux.concat(externalAccounts.watched().map(MailboxDirectory::external), representatives())
                .collectList();
    }

    /** A mailbox and its password, active or not; empty when it no longer exists. */
    Mono<Mailbox.Login> login(String mailboxId) {
        int colon = mailboxId.lastIndexOf(':');
        if (colon <= 0) {
            return Mono.empty();
        }
        String serviceId = mailboxId.substring(0, colon);
        if (Mailbox.REPRESENTATIVE.equals(mailboxId.substring(colon + 1))) {
            return representatives(Criteria.where("_id").is(serviceId)).next()
                    .map(mailbox -> new Mailbox.Login(mailbox, representativePassword(mailbox.address()), true));
        }
        return externalAccounts.credentials(mailboxId)
                .map(credentials -> new Mailbox.Login(external(credentials.mailbox()), credentials.password(),
                        credentials.active()));
    }

    private Flux<Mailbox> representatives() {
        return representatives(new Criteria());
    }

    private Flux<Mailbox> representatives(Criteria which) {
        if (properties.platformImapHost() == null || properties.platformImapHost().isBlank()) {
            return Flux.empty();
        }
        return mongo.find(Query.query(which.and("mail").ne(null)), Document.class, MAIL_SETTINGS)
                .map(settings -> {
                    String serviceId = settings.getString("_id");
                    String address = settings.getString("mail");
                    return new Mailbox(Mailbox.representativeId(serviceId), serviceId, null, address,
                            properties.platformImapHost(), properties.platformImapPort(), properties.platformImapSsl(),
                            address, false, address);
                });
    }

    private String representativePassword(String address) {
        String password = properties.platformImapPassword();
        return password == null ? null : password.replace("{address}", address);
    }

    private static Mailbox external(WatchedMailbox watched) {
        return new Mailbox(watched.mailboxId(), watched.serviceId(), watched.accountId(), watched.mail(),
                watched.host(), watched.port(), watched.ssl(), watched.user(), watched.mailDel(), watched.version());
    }
}
