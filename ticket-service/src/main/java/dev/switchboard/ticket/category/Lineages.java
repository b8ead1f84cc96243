package dev.switchboard.ticket.category;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where each category of one tenant sits, read once per request: what tickets show as their category name and
 * full name, and the chain that field layouts are inherited along.
 */
public final class Lineages {

    /** A category's own id first, then its parent's, up to the top level; names in the requested language. */
    public record Lineage(List<Long> selfToRoot, String name, String fullName) {
    }

    private final CategoryTree tree;
    private final CategoryTree.Shape shape;

    Lineages(CategoryTree tree) {
        this.tree = tree;
        this.shape = tree.shape();
    }

    /** Whether the tenant has no categories at all (then tickets cannot be asked to name one). */
    public boolean isEmpty() {
        return tree.categories().isEmpty();
    }

    public Optional<Lineage> of(long categoryId, String language) {
        return tree.find(categoryId).map(category -> {
            List<CategoryTree.Category> rootToSelf = new ArrayList<>(shape.ancestors(categoryId));
            rootToSelf.add(category);
            List<Long> selfToRoot = rootToSelf.stream().map(CategoryTree.Category::categoryId).toList().reversed();
            String fullName = rootToSelf.stream().map(c -> name(c, language)).collect(Collectors.joining(" > "));
            return new Lineage(selfToRoot, name(category, language), fullName);
        });
    }

    static String name(CategoryTree.Category category, String language) {
        return language != null && category.languages().containsKey(language)
                ? category.languages().get(language) : category.name();
    }
}
