package io.crossbank.ledger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * Stores instants as microseconds since the epoch (BIGINT) in both ledgers. MariaDB introduces itself to
 * MySQL Connector/J as version "5.5.5-10.x", and Connector/J then drops the fraction of every timestamp
 * it binds (fractional seconds arrived in MySQL 5.6.4); an integer is exact on every server.
 */
@Converter
public class InstantMicros implements AttributeConverter<Instant, Long> {

    @Override
    public Long convertToDatabaseColumn(Instant instant) {
        return instant == null ? null : toMicros(instant);
    }

    @Override
    public Instant convertToEntityAttribute(Long micros) {
        return micros == null ? null : fromMicros(micros);
    }

    public static long toMicros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    public static Instant fromMicros(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
