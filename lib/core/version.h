/*
 * version.h: the version of settle, recorded in every manifest. A rerun
 * with a different version than the manifest's says so.
 */
#ifndef ST_VERSION_H
#define ST_VERSION_H

#define ST_VERSION "0.1.0"

#endif
