/** The admin API's JSON shapes and the lines of an export file. */
package io.redischat.admin.entity;
