package dev.switchboard.ticket.ticket;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

import dev.switchboard.ticket.category.Categories;
import reactor.core.publisher.Mono;

/** Tells the category feature whether any of the tenant's tickets uses a category. */
@Component
class TicketCategoryUsage implements Categories.Usage {

    private final ReactiveMongoTemplate mongo;

    TicketCategoryUsage(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    @Override
    public Mono<Boolean> inUse(String serviceId, long categoryId) {
        return mongo.exists(Query.query(Criteria.where("serviceId").is(serviceId).and("categoryId").is(categoryId)),
                Ticket.class);
    }
}
