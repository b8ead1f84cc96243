package dev.switchboard.account.external;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.account.external.EMailAgentBodies.AccountIdRequest;
import dev.switchboard.account.external.EMailAgentBodies.AuthenticateRequest;
import dev.switchboard.account.external.EMailAgentBodies.EMailAccount;
import dev.switchboard.account.external.EMailAgentBodies.EMailAccountView;
import dev.switchboard.account.external.EMailAgentBodies.ServiceAuth;
import dev.switchboard.platform.edge.EdgeTrustFilter;
import dev.switchboard.platform.web.NhnApiException;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

/**
 * The SuperOffice EMail agent over the same mailboxes as the NHN external accounts. The tenant is the one
 * the edge authenticated from the Basic or Bearer credential; errors are answered in the WebAPI's shape.
 */
@RestController
@RequestMapping("/api/v1/Agents/EMail")
class EMailAgentController {

    static final int IMAP_TLS_PORT = 993;
    static final int SMTP_TLS_PORT = 465;
    /** Why an Authenticate call answered false; the body is only the boolean the WebAPI defines. */
    static final String FAILURE_HEADER = "X-Authentication-Failure";

    private final ExternalAccounts accounts;

    EMailAgentController(ExternalAccounts accounts) {
        this.accounts = accounts;
    }

    /** Creates the account when {@code EMailAccountId} is 0 or absent, else updates it; logs in first. */
    @PostMapping("/SaveEMailAccount")
    Mono<EMailAccountView> save(@Valid @RequestBody EMailAccount body, ServerWebExchange exchange,
                                @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        String serviceId = tenant(exchange);
        return Mono.fromCallable(() -> draft(body))
                .flatMap(draft -> body.eMailAccountId() == null || body.eMailAccountId() == 0
                        ? accounts.register(serviceId, draft, correlationId)
                        : accounts.edit(serviceId, body.eMailAccountId(), draft, correlationId))
                .map(EMailAccountView::of);
    }

    @PostMapping("/GetEMailAccount")
    Mono<EMailAccountView> get(@RequestParam(name = "eMailAccountId", required = false) Integer id,
                               @RequestBody(required = false) AccountIdRequest body, ServerWebExchange exchange) {
        return accounts.find(tenant(exchange), accountId(id, body)).map(EMailAccountView::of);
    }

    /** Deletes the account whatever its state (SuperOffice has no disabled state); 204 as the WebAPI answers. */
    @PostMapping("/DeleteEMailAccount")
    Mono<ResponseEntity<Void>> delete(@RequestParam(name = "eMailAccountId", required = false) Integer id,
                                      @RequestBody(required = false) AccountIdRequest body, ServerWebExchange exchange,
                                      @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return accounts.delete(tenant(exchange), accountId(id, body), false, correlationId)
                .thenReturn(ResponseEntity.status(HttpStatus.NO_CONTENT).build());
    }

    /** A real IMAP login: {@code true}, or {@code false} with the reason in {@value #FAILURE_HEADER}. */
    @PostMapping("/AuthenticateIncoming")
    Mono<ResponseEntity<Boolean>> authenticateIncoming(@Valid @RequestBody AuthenticateRequest body,
                                                       ServerWebExchange exchange) {
        return authenticate(MailVerifier.Protocol.IMAP, body.incomingCredentials(), "IncomingCredentials", body,
                tenant(exchange));
    }

    /** A real SMTP login (AUTH, inside TLS or STARTTLS): {@code true} or {@code false}. */
    @PostMapping("/AuthenticateOutgoing")
    Mono<ResponseEntity<Boolean>> authenticateOutgoing(@Valid @RequestBody AuthenticateRequest body,
                                                       ServerWebExchange exchange) {
        return authenticate(MailVerifier.Protocol.SMTP, body.outgoingCredentials(), "OutgoingCredentials", body,
                tenant(exchange));
    }

    private Mono<ResponseEntity<Boolean>> authenticate(MailVerifier.Protocol protocol, ServiceAuth credentials,
                                                       String property, AuthenticateRequest body, String serviceId) {
        int tlsPort = protocol == MailVerifier.Protocol.IMAP ? IMAP_TLS_PORT : SMTP_TLS_PORT;
        Mono<ExternalAccount> stored = body.eMailAccountId() == null || body.eMailAccountId() == 0 ? Mono.empty()
                : accounts.find(serviceId, body.eMailAccountId());
        return stored.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()).flatMap(account -> {
            if (credentials == null && account.isEmpty()) {
                return Mono.error(NhnApiException.badRequest(property + " is required"));
            }
            if (credentials != null && !credentials.passwordAuth()) {
                return Mono.error(NhnApiException.badRequest(unsupported(credentials)));
            }
            MailboxDraft.Server storedServer = account.map(a -> protocol == MailVerifier.Protocol.IMAP
                    ? a.incomingServer() : a.outgoingServer()).orElse(null);
            MailboxDraft.Server server = credentials != null ? credentials.server(tlsPort) : storedServer;
            if (server == null) {
                return Mono.error(NhnApiException.badRequest(property + " is required: the account has none stored"));
            }
            String mail = body.eMailAddress() != null ? body.eMailAddress()
                    : account.map(ExternalAccount::mail).orElse(null);
            if (server.login() == null && mail == null) {
                return Mono.error(NhnApiException.badRequest(property + ".Username is required"));
            }
            String password = server.passwordFor(mail, storedServer, () -> protocol == MailVerifier.Protocol.IMAP
                    ? accounts.storedPassword(account.orElseThrow())
                    : accounts.storedOutgoingPassword(account.orElseThrow()));
            if (password == null) {
                return Mono.error(NhnApiException.badRequest(property + ".Password is required"
                        + (storedServer == null ? "" : " when Server, Port or Username differ from the stored ones")));
            }
            return accounts.check(protocol, server, mail, password).map(outcome -> outcome.ok()
                    ? ResponseEntity.ok(true)
                    : ResponseEntity.ok().header(FAILURE_HEADER, outcome.failure()).body(false));
        });
    }

    private static MailboxDraft draft(EMailAccount body) {
        for (ServiceAuth credentials : new ServiceAuth[] {body.incomingCredentials(), body.outgoingCredentials()}) {
            if (credentials != null && !credentials.passwordAuth()) {
                throw NhnApiException.badRequest(unsupported(credentials));
            }
        }
        boolean creating = body.eMailAccountId() == null || body.eMailAccountId() == 0;
        if (creating && body.incomingCredentials() == null) {
            throw NhnApiException.badRequest("IncomingCredentials is required to create an e-mail account");
        }
        String address = body.eMailAddress();
        var details = new ExternalAccount.Details(body.associateId(), body.inboxFolder(), body.sentFolder(),
                body.simpleMode());
        return new MailboxDraft(creating ? address.substring(0, Math.min(20, address.length())) : null, address,
                body.incomingCredentials() == null ? null : body.incomingCredentials().server(IMAP_TLS_PORT),
                body.outgoingCredentials() == null ? null : body.outgoingCredentials().server(SMTP_TLS_PORT),
                details, null);
    }

    private static String unsupported(ServiceAuth credentials) {
        return "AuthType '" + credentials.authType() + "' is not supported; use '" + EMailAgentBodies.AUTH_TYPE + "'";
    }

    private static int accountId(Integer query, AccountIdRequest body) {
        Integer id = query != null ? query : body == null ? null : body.eMailAccountId();
        if (id == null || id <= 0) {
            throw NhnApiException.badRequest("eMailAccountId is required: a positive integer");
        }
        return id;
    }

    private static String tenant(ServerWebExchange exchange) {
        return exchange.getRequiredAttribute(EdgeTrustFilter.TENANT_ATTRIBUTE);
    }
}
