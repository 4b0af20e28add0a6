/**
 * HTTP canary routing: {@code RestClient} and {@code WebClient} calls of named clients go to a baseline or a canary
 * base URL by a canary's decision, and their outcomes feed the canary's judge.
 */
package dev.progressive.spring.http;
