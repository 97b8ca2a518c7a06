/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afr-table"

#include "config.h"

#include "afr-table.h"

typedef struct
{
  char     **cells;     /* (owned) n_columns strings, never NULL */
  gboolean   flagged;
} Row;

struct _AfrTable
{
  guint       n_columns;
  char      **titles;   /* (owned) n_columns, NULL for untitled */
  double     *weights;  /* (owned) n_columns */
  GPtrArray  *rows;     /* (owned) of Row */
};

static void
row_free (gpointer data)
{
  Row *row = data;

  g_strfreev (row->cells);
  g_free (row);
}

AfrTable *
afr_table_new (guint n_columns)
{
  AfrTable *self = g_new0 (AfrTable, 1);

  g_return_val_if_fail (n_columns > 0, NULL);

  self->n_columns = n_columns;
  self->titles = g_new0 (char *, n_columns + 1);
  self->weights = g_new (double, n_columns);
  for (guint i = 0; i < n_columns; i++)
    self->weights[i] = 1.0;
  self->rows = g_ptr_array_new_with_free_func (row_free);
  return self;
}

void
afr_table_free (AfrTable *self)
{
  if (self == NULL)
    return;
  g_strfreev (self->titles);
  g_free (self->weights);
  g_ptr_array_unref (self->rows);
  g_free (self);
}

void
afr_table_set_column (AfrTable   *self,
                      guint       column,
                      const char *title,
                      double      weight)
{
  g_return_if_fail (column < self->n_columns);
  g_return_if_fail (weight > 0);

  g_free (self->titles[column]);
  self->titles[column] = g_strdup (title);
  self->weights[column] = weight;
}

void
afr_table_add_rowv (AfrTable           *self,
                    gboolean            flagged,
                    const char * const *cells)
{
  Row *row = g_new0 (Row, 1);
  gboolean ended = FALSE;

  row->flagged = flagged;
  row->cells = g_new0 (char *, self->n_columns + 1);
  for (guint i = 0; i < self->n_columns; i++)
    {
      ended = ended || cells[i] == NULL;
      /* The text may come from a server: a cell is always valid UTF-8 for Pango. */
      row->cells[i] = ended ? g_strdup ("") : g_utf8_make_valid (cells[i], -1);
    }
  g_ptr_array_add (self->rows, row);
}

void
afr_table_add_row (AfrTable   *self,
                   gboolean    flagged,
                   const char *first_cell,
                   ...)
{
  g_autofree const char **cells = g_new0 (const char *, self->n_columns + 1);
  va_list args;

  cells[0] = first_cell;
  va_start (args, first_cell);
  for (guint i = 1; i < self->n_columns && cells[i - 1] != NULL; i++)
    cells[i] = va_arg (args, const char *);
  va_end (args);
  afr_table_add_rowv (self, flagged, cells);
}

guint
afr_table_get_n_columns (const AfrTable *self)
{
  return self->n_columns;
}

guint
afr_table_get_n_rows (const AfrTable *self)
{
  return self->rows->len;
}

gboolean
afr_table_has_header (const AfrTable *self)
{
  for (guint i = 0; i < self->n_columns; i++)
    if (self->titles[i] != NULL)
      return TRUE;
  return FALSE;
}

const char *
afr_table_get_title (const AfrTable *self,
                     guint           column)
{
  g_return_val_if_fail (column < self->n_columns, NULL);
  return self->titles[column] != NULL ? self->titles[column] : "";
}

double
afr_table_get_fraction (const AfrTable *self,
                        guint           column)
{
  double total = 0;

  g_return_val_if_fail (column < self->n_columns, 0);
  for (guint i = 0; i < self->n_columns; i++)
    total += self->weights[i];
  return self->weights[column] / total;
}

const char *
afr_table_get_cell (const AfrTable *self,
                    guint           row,
                    guint           column)
{
  g_return_val_if_fail (row < self->rows->len && column < self->n_columns, NULL);
  return ((Row *) g_ptr_array_index (self->rows, row))->cells[column];
}

gboolean
afr_table_row_is_flagged (const AfrTable *self,
                          guint           row)
{
  g_return_val_if_fail (row < self->rows->len, FALSE);
  return ((Row *) g_ptr_array_index (self->rows, row))->flagged;
}
