/**
 * The checks a deployer makes, run against the one WAR on each application server it is meant for (WildFly, Payara
 * Server, Payara Micro 7), each started from its Maven artifact with the settings in {@code server-config/}.
 */
package io.redischat.portability;
