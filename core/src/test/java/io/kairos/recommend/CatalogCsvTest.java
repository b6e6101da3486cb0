package io.kairos.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kairos.journey.JourneyLoadException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogCsvTest {

  @Test
  void readsColumnsByHeaderWithQuotesAndIgnoresOtherColumns() throws Exception {
    Catalog c =
        CatalogCsv.parse(
            "products.csv",
            "\uFEFFsku_internal,id,name,price,category,url,image\r\n"
                + "x,shoes,\"Running shoes, blue\",89.90,footwear,https://shop.example/shoes,\r\n"
                + "\r\n"
                + "y,tee,\"The \"\"classic\"\" tee\nin white\",,tops,,https://cdn.example/t.jpg\r\n");
    assertThat(c.products())
        .containsExactly(
            new Product(
                "shoes",
                "Running shoes, blue",
                89.9,
                "footwear",
                "https://shop.example/shoes",
                null),
            new Product(
                "tee",
                "The \"classic\" tee\nin white",
                null,
                "tops",
                null,
                "https://cdn.example/t.jpg"));
  }

  @Test
  void reportsEachBadFieldAtItsLineAndColumn() {
    JourneyLoadException e =
        catchThrowableOfType(
            () ->
                CatalogCsv.parse(
                    "products.csv",
                    """
                    id,name,price,url
                    a,A,abc,https://x
                    ,B,1,
                    a,C,2,
                    d,"D
                    quoted",-1,ftp://x
                    """),
            JourneyLoadException.class);
    List<String> problems = e.problems().stream().map(Object::toString).toList();
    assertThat(problems)
        .containsExactly(
            "products.csv:2:5: price: 'abc' is not a number (write 19.99)",
            "products.csv:3:1: id: required",
            "products.csv:4:1: id: product 'a' is already on line 2",
            "products.csv:6:9: price: must be 0 or more, not -1",
            "products.csv:6:12: url: must start with https:// or http://");
  }

  @Test
  void aHeaderWithoutIdAndAnUnterminatedQuoteAreErrors() {
    assertThat(
            catchThrowableOfType(
                    () -> CatalogCsv.parse("p.csv", "sku,name\n1,a\n"), JourneyLoadException.class)
                .problems()
                .get(0)
                .toString())
        .isEqualTo(
            "p.csv:1:1: the header has no 'id' column; columns are id, name, price,"
                + " category, url, image");
    assertThat(
            catchThrowableOfType(
                    () -> CatalogCsv.parse("p.csv", "id,name\n1,\"abc\n"),
                    JourneyLoadException.class)
                .problems()
                .get(0)
                .toString())
        .isEqualTo("p.csv:2:3: unterminated quoted field");
  }
}
