package io.crossbank.ledger;

import java.math.BigDecimal;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** An account row; the same mapping serves both ledgers (one persistence unit each). */
@Entity
@Table(name = "account")
public class Account {

    @Id
    @Column(length = 40)
    public String id;

    @Column(nullable = false, length = 200)
    public String owner;

    @JdbcTypeCode(SqlTypes.CHAR)

    @Column(nullable = false, length = 3)
    public String currency;

    /** The available money. Never updated through this field: transfers change balances with conditional UPDATEs. */
    @Column(nullable = false, precision = 19, scale = 2)
    public BigDecimal balance;

    /** Taken from the balance by outgoing sagas not settled yet: the account owns balance + held. */
    @Column(nullable = false, precision = 19, scale = 2)
    public BigDecimal held;

    /** Set while an operator has frozen the account (it neither sends nor receives); null otherwise. */
    @Column(name = "frozen_at")
    @Convert(converter = InstantMicros.class)
    public Instant frozenAt;

    @Column(name = "created_at", nullable = false)
    @Convert(converter = InstantMicros.class)
    public Instant createdAt;
}
