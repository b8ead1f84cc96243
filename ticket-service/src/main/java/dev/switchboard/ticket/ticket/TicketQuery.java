package dev.switchboard.ticket.ticket;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.util.MultiValueMap;

import dev.switchboard.platform.web.NhnApiException;

/**
 * The filters, sort and page of the vendor's ticket list, parsed and checked. Dates are
 * {@code yyyyMMddHHmmss} in the tenant's time zone (UTC until tenants carry one). {@code subject} matches
 * a part of the title, ignoring case; {@code email} and {@code username} match the whole value, ignoring
 * case and spacing, through their keyed hashes (the values themselves are sealed).
 */
record TicketQuery(String serviceId, Instant start, Instant end, String ticketId, String subject, String status,
                   List<Long> categoryIds, String usercode, String username, String email, Sort sort, int page,
                   int pageSize) {

    static final int MAX_PAGE_SIZE = 200;
    /** Ticket ids are 19 characters; a filter far longer cannot match one. */
    static final int MAX_TICKET_ID = 64;
    static final int MAX_CATEGORY_FILTER = 100;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final Set<String> STATUSES = Set.of("new", "open", "closed");
    private static final Set<String> SORTABLE = Set.of("updatedDt", "createdDt");

    static TicketQuery parse(String serviceId, MultiValueMap<String, String> params) {
        int page = number(params.getFirst("page"), "page", 1);
        int pageSize = number(params.getFirst("pageSize"), "pageSize", 10);
        if (page < 1) {
            throw NhnApiException.badRequest("page starts at 1");
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw NhnApiException.badRequest("pageSize must be 1-" + MAX_PAGE_SIZE);
        }
        String status = params.getFirst("status");
        if (status != null && !STATUSES.contains(status)) {
            throw NhnApiException.badRequest("status must be one of new, open, closed");
        }
        List<Long> categories = new ArrayList<>();
        for (String value : params.getOrDefault("categoryId", List.of())) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    categories.add((long) number(part.trim(), "categoryId", 0));
                }
            }
        }
        if (categories.size() > MAX_CATEGORY_FILTER) {
            throw NhnApiException.badRequest("categoryId takes at most " + MAX_CATEGORY_FILTER + " ids");
        }
        return new TicketQuery(serviceId, date(params.getFirst("startDt"), "startDt"), date(params.getFirst("endDt"), "endDt"),
                bounded(params.getFirst("ticketId"), "ticketId", MAX_TICKET_ID), text(params.getFirst("subject"), "subject", TicketValidator.MAX_SUBJECT),
                status, categories, bounded(params.getFirst("usercode"), "usercode", TicketValidator.MAX_USERCODE),
                text(params.getFirst("username"), "username", 100), text(params.getFirst("email"), "email", 254),
                sort(params.getFirst("sort")), page, pageSize);
    }

    /**
     * The Mongo query; the index {serviceId, updatedAt} serves the default listing, {serviceId, hash} the
     * e-mail and name filters.
     */
    Query toQuery(PersonalData personal) {
        Criteria criteria = Criteria.where("serviceId").is(serviceId);
        if (start != null || end != null) {
            Criteria created = Criteria.where("createdAt");
            if (start != null) {
                created = created.gte(start);
            }
            if (end != null) {
                created = created.lte(end);
            }
            criteria = criteria.andOperator(created);
        }
        if (ticketId != null) {
            criteria = criteria.and("_id").is(ticketId);
        }
        if (status != null) {
            criteria = criteria.and("status").is(status);
        }
        if (!categoryIds.isEmpty()) {
            criteria = criteria.and("categoryId").in(categoryIds);
        }
        if (usercode != null) {
            criteria = criteria.and("endUser.usercode").is(usercode);
        }
        if (subject != null) {
            // the text is matched literally: regular-expression characters in it mean themselves
            criteria = criteria.and("subject").regex(Pattern.quote(subject), "i");
        }
        if (email != null) {
            criteria = criteria.and("endUser.email.hash").is(personal.emailLookup(serviceId, email));
        }
        if (username != null) {
            criteria = criteria.and("endUser.username.hash").is(personal.usernameLookup(serviceId, username));
        }
        return Query.query(criteria);
    }

    private static Sort sort(String value) {
        if (value == null || value.isBlank()) {
            return Sort.by(Sort.Direction.DESC, "updatedAt").and(Sort.by(Sort.Direction.DESC, "_id"));
        }
        String[] parts = value.split(":");
        if (!SORTABLE.contains(parts[0]) || parts.length > 2
                || (parts.length == 2 && !parts[1].equals("asc") && !parts[1].equals("desc"))) {
            throw NhnApiException.badRequest("sort must be updatedDt or createdDt, optionally :asc or :desc");
        }
        String field = parts[0].equals("createdDt") ? "createdAt" : "updatedAt";
        var direction = parts.length == 2 && parts[1].equals("asc") ? Sort.Direction.ASC : Sort.Direction.DESC;
        return Sort.by(direction, field).and(Sort.by(direction, "_id"));
    }

    private static Instant date(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(value, DATE).atZone(ZoneId.of("UTC")).toInstant();
        } catch (DateTimeParseException e) {
            throw NhnApiException.badRequest(name + " must be yyyyMMddHHmmss");
        }
    }

    private static int number(String value, String name, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw NhnApiException.badRequest(name + " must be a number");
        }
    }

    private static String text(String value, String name, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > max) {
            throw NhnApiException.badRequest(name + " must be at most " + max + " characters");
        }
        return value.strip();
    }

    /** Like {@link #text} but kept as given: ids match exactly. */
    private static String bounded(String value, String name, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > max) {
            throw NhnApiException.badRequest(name + " must be at most " + max + " characters");
        }
        return value;
    }
}
