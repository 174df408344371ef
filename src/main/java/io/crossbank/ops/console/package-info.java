/**
 * The operators' console at /ops/console: the page (a Qute template) and, under META-INF/resources/ops/console, its
 * one script and style sheet. It holds no logic of its own: everything it shows or does is an /ops API call.
 */
package io.crossbank.ops.console;
