package io.crossbank.accounts;

import java.util.List;

public record AccountPage(List<AccountView> items, int page, int size, long total) {
}
