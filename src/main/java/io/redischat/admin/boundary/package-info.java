/** The admin API's JAX-RS resources and the bearer-token filter in front of them. */
package io.redischat.admin.boundary;
