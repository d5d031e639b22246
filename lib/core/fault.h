/*
 * fault.h: the fault points of the fault suite (tests/faults/, README
 * "Reliability").
 *
 * Every database statement, COPY piece and commit, and every file settle
 * publishes, passes a fault point named by what it is about to do (the SQL
 * file, "commit", "rename PATH"...). Without the variables below a point is
 * one load of a flag. The suite drives them from the environment, read once
 * by st_fault_init:
 *
 *   SETTLE_FAULT_TRACE=FILE   append "N LABEL" for every point reached, so
 *                             a run can be counted and its points named
 *   SETTLE_FAULT_KILL=N       SIGKILL this process at the Nth point
 *   SETTLE_FAULT_PAUSE=LABEL  at the first point whose label starts with
 *                             LABEL, create SETTLE_FAULT_FILE and wait
 *                             (at most 120 s) until it is removed, so the
 *                             suite can stop the database or fill the disk
 *                             at that moment
 *
 * Points are counted across threads in the order they are reached.
 */
#ifndef ST_FAULT_H
#define ST_FAULT_H

/* Reads the variables above from envp (NULL-terminated; may be NULL). */
void st_fault_init(char *const *envp);

/* One fault point; label says what comes next. */
void st_fault_point(const char *label);

#endif
