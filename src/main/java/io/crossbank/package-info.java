/**
 * The shared parts of the OpenAPI document (/q/openapi): tags, the operators' security scheme and the error
 * responses, each an application/problem+json {@link io.crossbank.problems.Problem}, that the operations refer to by
 * name ({@link io.crossbank.ApiDocument}). Descriptions and examples name the problem types of
 * {@link io.crossbank.problems.ProblemType} each can carry. SmallRye OpenAPI reads an {@code @OpenAPIDefinition} from
 * a package-info or a JAX-RS Application subclass only.
 */
@OpenAPIDefinition(
        // The title and version come from quarkus.smallrye-openapi.info-* (the version is the project's).
        info = @Info(title = "Crossbank", version = "see quarkus.smallrye-openapi.info-version"),
        // Relative to wherever the document is served from: the API is at the root of the same host.
        servers = @Server(url = "/", description = "This service"),
        tags = {
                @Tag(name = ApiDocument.TAG_ACCOUNTS, description = "Accounts, each held by one ledger (its id starts with pg- or my-)"),
                @Tag(name = ApiDocument.TAG_TRANSFERS, description = "Transfers between any two accounts: one XA transaction across both ledgers, or a saga"),
                @Tag(name = ApiDocument.TAG_LEDGERS, description = "Accounts and money per ledger"),
                @Tag(name = ApiDocument.TAG_OPS, description = "Operators only (HTTP basic; role ops, or viewer for the GETs): status, in-doubt branches, recovery, manual resolution, stuck events, sagas") },
        components = @Components(
                securitySchemes = @SecurityScheme(securitySchemeName = ApiDocument.OPS_SECURITY, type = SecuritySchemeType.HTTP,
                        scheme = "basic", description = "HTTP basic credentials of a user with role ops (or viewer, for the GETs)"),
                responses = {
                        @APIResponse(name = ApiDocument.INVALID_REQUEST, description = "The request is malformed or breaks the "
                                + "contract (type invalid-request); detail names the field. Nothing was changed.",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "invalid-request", value = "{\"type\":\"urn:crossbank:problem:invalid-request\","
                                                + "\"title\":\"Invalid request\",\"status\":400,\"detail\":\"amount must be a decimal string with at most two fraction digits, no sign, exponent or leading zeros, such as \\\"12.34\\\"; got \\\"12.345\\\"\"}"))),
                        @APIResponse(name = ApiDocument.UNAUTHORIZED, description = "No credentials on /ops, or credentials sent and refused on any path (type authentication-required).",
                                headers = @Header(name = "WWW-Authenticate", description = "The basic challenge", required = true,
                                        schema = @Schema(type = SchemaType.STRING, example = "Basic realm=\"Quarkus\"")),
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "authentication-required", value = "{\"type\":"
                                                + "\"urn:crossbank:problem:authentication-required\",\"title\":\"Authentication required\","
                                                + "\"status\":401,\"detail\":\"The /ops endpoints need HTTP basic credentials of a user with role 'ops'.\"}"))),
                        @APIResponse(name = ApiDocument.FORBIDDEN, description = "The user lacks role ops (an action), or both ops and viewer (a GET) (type forbidden).",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "forbidden", value = "{\"type\":\"urn:crossbank:problem:forbidden\","
                                                + "\"title\":\"Forbidden\",\"status\":403,\"detail\":\"The /ops actions are for users with role 'ops'; reading /ops (GET) for role 'ops' or 'viewer'.\"}"))),
                        @APIResponse(name = ApiDocument.ACCOUNT_NOT_FOUND, description = "No account with this id (type account-not-found).",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "account-not-found", value = "{\"type\":\"urn:crossbank:problem:account-not-found\","
                                                + "\"title\":\"Account not found\",\"status\":404,"
                                                + "\"detail\":\"No account with id 'my-00000000-0000-4000-8000-000000000000'\"}"))),
                        @APIResponse(name = ApiDocument.TRANSFER_NOT_FOUND, description = "No transfer with this id (type transfer-not-found).",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "transfer-not-found", value = "{\"type\":\"urn:crossbank:problem:transfer-not-found\","
                                                + "\"title\":\"Transfer not found\",\"status\":404,"
                                                + "\"detail\":\"No transfer with id '00000000-0000-4000-8000-000000000000'\"}"))),
                        @APIResponse(name = ApiDocument.BRANCH_NOT_FOUND, description = "No such ledger, or that ledger holds no prepared "
                                + "branch with this id (type in-doubt-branch-not-found).",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "in-doubt-branch-not-found", value = "{\"type\":"
                                                + "\"urn:crossbank:problem:in-doubt-branch-not-found\",\"title\":\"In-doubt branch not found\","
                                                + "\"status\":404,\"detail\":\"Ledger postgres holds no prepared branch '131077-00-00' "
                                                + "(it may have been resolved meanwhile): see GET /ops/in-doubt\"}"))),
                        @APIResponse(name = ApiDocument.EVENT_NOT_FOUND, description = "No such ledger, or its outbox holds no event "
                                + "with this id: never written, or sent and pruned after crossbank.events.retention (type event-not-found).",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "event-not-found", value = "{\"type\":"
                                                + "\"urn:crossbank:problem:event-not-found\",\"title\":\"Event not found\","
                                                + "\"status\":404,\"detail\":\"The outbox of ledger postgres holds no event "
                                                + "'0b6f3c6e-6c4e-4b64-9d1a-6f1d2a0b7c11' (sent rows are pruned after crossbank.events.retention): see GET /ops/events\"}"))),
                        @APIResponse(name = ApiDocument.EVENT_ALREADY_SENT, description = "The event was already confirmed by the "
                                + "broker and republish=true was not asked for (type event-already-sent). Nothing was changed.",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "event-already-sent", value = "{\"type\":"
                                                + "\"urn:crossbank:problem:event-already-sent\",\"title\":\"The event was already sent\","
                                                + "\"status\":409,\"detail\":\"Event 0b6f3c6e-6c4e-4b64-9d1a-6f1d2a0b7c11 of ledger postgres "
                                                + "was confirmed by the broker at 2026-12-01T10:53:11.123456Z; add republish=true to publish it "
                                                + "once more (a duplicate for consumers that had it). Nothing was changed.\"}"))),
                        @APIResponse(name = ApiDocument.SAGA_NOT_FOUND, description = "No saga with this id in either ledger: never "
                                + "written, or an xa transfer (type saga-not-found).",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "saga-not-found", value = "{\"type\":"
                                                + "\"urn:crossbank:problem:saga-not-found\",\"title\":\"Saga not found\","
                                                + "\"status\":404,\"detail\":\"No saga with id '5c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f' in "
                                                + "either ledger: see GET /ops/sagas\"}"))),
                        @APIResponse(name = ApiDocument.SAGA_ACTION_REFUSED, description = "Refused, nothing was changed: the saga "
                                + "is already COMMITTED or COMPENSATED (type saga-settled), or, for a compensation, its deciding row "
                                + "in the credited ledger says DONE: the credit happened and step 3 settles it (saga-credit-done).",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = {
                                                @ExampleObject(name = "saga-settled", value = "{\"type\":\"urn:crossbank:problem:saga-settled\","
                                                        + "\"title\":\"The saga is settled\",\"status\":409,\"detail\":\"Saga "
                                                        + "5c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f is COMMITTED since 2026-12-01T10:53:11.123456Z; "
                                                        + "nothing was changed.\"}"),
                                                @ExampleObject(name = "saga-credit-done", value = "{\"type\":\"urn:crossbank:problem:saga-credit-done\","
                                                        + "\"title\":\"The saga's credit is done\",\"status\":409,\"detail\":\"The deciding "
                                                        + "row of saga 5c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f in ledger mysql says DONE (since "
                                                        + "2026-12-01T10:53:11.123456Z): the credit happened, so it is never compensated; step 3 "
                                                        + "settles it (re-drive it to hurry). Nothing was changed.\"}") })),
                        @APIResponse(name = ApiDocument.NOT_ACCEPTABLE, description = "The Accept header excludes application/json (type not-acceptable).",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "not-acceptable", value = "{\"type\":\"urn:crossbank:problem:not-acceptable\","
                                                + "\"title\":\"Not acceptable\",\"status\":406,\"detail\":\"Only application/json responses are available.\"}"))),
                        @APIResponse(name = ApiDocument.IDEMPOTENCY_CONFLICT, description = "The Idempotency-Key was already used for a "
                                + "different transfer (type idempotency-conflict). Nothing was changed.",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "idempotency-conflict", value = "{\"type\":\"urn:crossbank:problem:idempotency-conflict\","
                                                + "\"title\":\"Idempotency key reused with another request\",\"status\":409,\"detail\":"
                                                + "\"Idempotency-Key 'order-42' was already used for a different transfer "
                                                + "(00000000-0000-4000-8000-000000000000); use a new key for a new transfer\"}"))),
                        @APIResponse(name = ApiDocument.RECOVERY_DISABLED, description = "Recovery is switched off (type recovery-disabled).",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "recovery-disabled", value = "{\"type\":\"urn:crossbank:problem:recovery-disabled\","
                                                + "\"title\":\"Recovery is disabled\",\"status\":409,\"detail\":\"Recovery is disabled "
                                                + "(quarkus.transaction-manager.enable-recovery=false): nothing will resolve in-doubt branches\"}"))),
                        @APIResponse(name = ApiDocument.RESOLUTION_REFUSED, description = "Refused, nothing was changed: recovery will "
                                + "decide this branch (type recovery-will-resolve), it is younger than crossbank.in-doubt.max-age "
                                + "(in-doubt-too-recently), or the database refused (resolution-refused).",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = {
                                                @ExampleObject(name = "recovery-will-resolve", value = "{\"type\":\"urn:crossbank:problem:recovery-will-resolve\","
                                                        + "\"title\":\"Recovery will resolve this branch\",\"status\":409,\"detail\":\"Branch "
                                                        + "131077-00-00 of ledger postgres is PENDING_RECOVERY: recovery commits it. Deciding it by "
                                                        + "hand could contradict that; nothing was changed.\"}"),
                                                @ExampleObject(name = "in-doubt-too-recently", value = "{\"type\":\"urn:crossbank:problem:in-doubt-too-recently\","
                                                        + "\"title\":\"The branch may still be in flight\",\"status\":409,\"detail\":\"Branch "
                                                        + "131077-00-00 has been in doubt for 5 s only: its coordinator may still decide it.\"}"),
                                                @ExampleObject(name = "resolution-refused", value = "{\"type\":\"urn:crossbank:problem:resolution-refused\","
                                                        + "\"title\":\"The database refused to resolve the branch\",\"status\":409,\"detail\":"
                                                        + "\"Only the user that prepared branch 131077-00-00 (crossbank) or a superuser may decide it; "
                                                        + "nothing was changed.\"}") })),
                        @APIResponse(name = ApiDocument.PAYLOAD_TOO_LARGE, description = "The request body is larger than "
                                + "crossbank.http.max-body-size, 64 KiB by default (type payload-too-large). Nothing was changed.",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "payload-too-large", value = "{\"type\":"
                                                + "\"urn:crossbank:problem:payload-too-large\",\"title\":\"Request body too large\","
                                                + "\"status\":413,\"detail\":\"The request body is larger than 65536 bytes, the most any "
                                                + "operation of this API accepts.\"}"))),
                        @APIResponse(name = ApiDocument.UNSUPPORTED_MEDIA_TYPE, description = "The body is not sent as application/json "
                                + "(type unsupported-media-type). Nothing was changed.",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "unsupported-media-type", value = "{\"type\":"
                                                + "\"urn:crossbank:problem:unsupported-media-type\",\"title\":\"Unsupported media type\","
                                                + "\"status\":415,\"detail\":\"The request body must be application/json.\"}"))),
                        @APIResponse(name = ApiDocument.TRANSFER_REJECTED, description = "Refused, nothing was changed: the debited account "
                                + "holds too little (type insufficient-funds), the accounts' currencies differ (currency-mismatch), a "
                                + "resulting balance does not fit an account (balance-limit), or an account is frozen (account-frozen; an "
                                + "xa transfer touching one, a saga debiting one). A saga checks only its debited account before it is "
                                + "accepted: a refused credit compensates it (status COMPENSATED, with its reason).",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = {
                                                @ExampleObject(name = "insufficient-funds", value = "{\"type\":\"urn:crossbank:problem:insufficient-funds\","
                                                        + "\"title\":\"Insufficient funds\",\"status\":422,"
                                                        + "\"detail\":\"Account my-00000000-0000-4000-8000-000000000000 does not hold 1000.00\"}"),
                                                @ExampleObject(name = "currency-mismatch", value = "{\"type\":\"urn:crossbank:problem:currency-mismatch\","
                                                        + "\"title\":\"Currency mismatch\",\"status\":422,"
                                                        + "\"detail\":\"Account pg-6f1c2a4e-8b3d-4c5e-9f70-1a2b3c4d5e6f holds EUR but account "
                                                        + "my-0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a holds USD\"}"),
                                                @ExampleObject(name = "balance-limit", value = "{\"type\":\"urn:crossbank:problem:balance-limit\","
                                                        + "\"title\":\"Balance limit exceeded\",\"status\":422,"
                                                        + "\"detail\":\"The resulting balance is outside what an account can hold; nothing was changed.\"}"),
                                                @ExampleObject(name = "account-frozen", value = "{\"type\":\"urn:crossbank:problem:account-frozen\","
                                                        + "\"title\":\"Account frozen\",\"status\":422,\"detail\":\"Account "
                                                        + "my-0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a is frozen by an operator: it neither sends nor "
                                                        + "receives money; nothing was changed\"}") })),
                        @APIResponse(name = ApiDocument.INTERNAL_ERROR, description = "An unexpected failure (type internal-error); detail "
                                + "carries a reference that is also in the service log.",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "internal-error", value = "{\"type\":\"urn:crossbank:problem:internal-error\","
                                                + "\"title\":\"Internal error\",\"status\":500,\"detail\":\"The request failed unexpectedly; quote "
                                                + "reference 00000000-0000-4000-8000-000000000000 to the operators.\"}"))),
                        @APIResponse(name = ApiDocument.SERVICE_UNAVAILABLE, description = "A ledger database is unreachable (type "
                                + "ledger-unavailable), an account is locked by another transaction for too long (ledger-busy), or the "
                                + "transaction ran past its timeout (transaction-timeout), or this instance is draining before it stops (draining: "
                                + "another instance takes the retry). Nothing was changed: retry later.",
                                headers = @Header(name = "Retry-After", description = "Seconds to wait before retrying", required = true,
                                        schema = @Schema(type = SchemaType.INTEGER, minimum = "0", example = "1")),
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = {
                                                @ExampleObject(name = "ledger-unavailable", value = "{\"type\":\"urn:crossbank:problem:ledger-unavailable\","
                                                        + "\"title\":\"Ledger unavailable\",\"status\":503,"
                                                        + "\"detail\":\"A ledger database is unreachable; nothing was changed. Retry later.\"}"),
                                                @ExampleObject(name = "ledger-busy", value = "{\"type\":\"urn:crossbank:problem:ledger-busy\","
                                                        + "\"title\":\"Ledger busy\",\"status\":503,\"detail\":\"An account involved is locked by "
                                                        + "another transaction for too long; nothing was changed. Retry later.\"}"),
                                                @ExampleObject(name = "transaction-timeout", value = "{\"type\":\"urn:crossbank:problem:transaction-timeout\","
                                                        + "\"title\":\"Transaction timed out\",\"status\":503,\"detail\":\"The transaction was rolled "
                                                        + "back before it could commit (it ran past its timeout or was aborted); nothing was changed. "
                                                        + "Retry later.\"}"),
                                                @ExampleObject(name = "draining", value = "{\"type\":\"urn:crossbank:problem:draining\","
                                                        + "\"title\":\"Instance draining\",\"status\":503,\"detail\":\"Instance crossbank-2 is draining "
                                                        + "before it stops and takes no new transfers; nothing was changed. Retry later.\"}") })) }))
package io.crossbank;

import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.servers.Server;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.crossbank.problems.Problem;
