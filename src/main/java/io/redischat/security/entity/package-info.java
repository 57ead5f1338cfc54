/**
 * Who a verified token says the caller is and which sessions it may use.
 */
package io.redischat.security.entity;
