/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-demo-private.h — what the files of af-demo share.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* @demo_dir/@name parsed; its root is an object. AF_DEMO_ERROR_NOT_FOUND when the
 * file is missing, AF_DEMO_ERROR_MALFORMED when it is not a JSON object. */
JsonNode   *af_demo_load_json        (const char  *demo_dir,
                                      const char  *name,
                                      GError     **error);
/* The string member @name of @object, or NULL when absent or not a string. */
const char *af_demo_json_get_string  (JsonObject  *object,
                                      const char  *name);

G_END_DECLS
