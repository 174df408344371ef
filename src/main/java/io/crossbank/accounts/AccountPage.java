package io.crossbank.accounts;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "A page of accounts ordered by id")
public record AccountPage(
        @Schema(required = true) List<AccountView> items,
        @Schema(required = true, description = "The page number, from 0", example = "0") int page,
        @Schema(required = true, description = "The page size asked for", example = "20") int size,
        @Schema(required = true, description = "How many accounts there are in all pages", example = "2") long total) {
}
