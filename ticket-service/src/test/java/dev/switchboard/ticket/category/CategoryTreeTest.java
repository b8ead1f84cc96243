package dev.switchboard.ticket.category;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.ticket.category.CategoryTree.Category;

/** Level, path and depth derived from parent links, as the vendor's list shows them. */
class CategoryTreeTest {

    static Category category(long id, long parent, int orderNo) {
        return new Category(id, parent, "c" + id, Map.of(), orderNo, Instant.EPOCH, Instant.EPOCH);
    }

    final CategoryTree tree = new CategoryTree("t", 1, 2542, List.of(
            category(2542, 2541, 0), category(2536, 0, 0), category(2537, 0, 0), category(2538, 2536, 0),
            category(2539, 2536, 0), category(2540, 2538, 0), category(2541, 2540, 0)), List.of());

    @Test
    void pathsAndLevelsAreTheSeeds() {
        assertThat(tree.path(2536)).isEqualTo("\\");
        assertThat(tree.level(2536)).isEqualTo(1);
        assertThat(tree.path(2538)).isEqualTo("\\2536\\");
        assertThat(tree.path(2542)).isEqualTo("\\2536\\2538\\2540\\2541\\");
        assertThat(tree.level(2542)).isEqualTo(5);
    }

    @Test
    void heightsAncestorsAndDescendants() {
        assertThat(tree.height(2536)).isEqualTo(5);
        assertThat(tree.height(2542)).isEqualTo(1);
        assertThat(tree.height(2537)).isEqualTo(1);
        assertThat(tree.ancestors(2541)).extracting(Category::categoryId).containsExactly(2536L, 2538L, 2540L);
        assertThat(tree.isDescendant(2542, 2536)).isTrue();
        assertThat(tree.isDescendant(2536, 2542)).isFalse();
        assertThat(tree.isDescendant(2539, 2538)).isFalse();
    }

    @Test
    void listsByLevelThenOrderThenId() {
        var reordered = new CategoryTree("t", 1, 3, List.of(category(3, 0, 0), category(1, 0, 5), category(2, 3, 0)),
                List.of());
        assertThat(reordered.ordered(reordered.categories())).extracting(Category::categoryId).containsExactly(3L, 1L, 2L);
        assertThat(tree.ordered(tree.categories())).extracting(Category::categoryId)
                .containsExactly(2536L, 2537L, 2538L, 2539L, 2540L, 2541L, 2542L);
    }
}
