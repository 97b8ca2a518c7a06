/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-scrollable"

#include "config.h"

#include "afd-scrollable.h"

gboolean
afd_scrollable_set_adjustment (GtkAdjustment **slot,
                               GtkAdjustment  *adjustment,
                               GCallback       on_value_changed,
                               gpointer        owner)
{
  if (*slot == adjustment && adjustment != NULL)
    return FALSE;
  afd_scrollable_clear_adjustment (slot, owner);
  *slot = g_object_ref_sink (adjustment != NULL ? adjustment
                                                : gtk_adjustment_new (0, 0, 0, 0, 0, 0));
  g_signal_connect_swapped (*slot, "value-changed", on_value_changed, owner);
  return TRUE;
}

void
afd_scrollable_clear_adjustment (GtkAdjustment **slot,
                                 gpointer        owner)
{
  if (*slot != NULL)
    g_signal_handlers_disconnect_by_data (*slot, owner);
  g_clear_object (slot);
}

void
afd_scrollable_configure (GtkAdjustment *adjustment,
                          double         value,
                          double         content,
                          double         view)
{
  double upper = MAX (content, view);

  if (adjustment == NULL)
    return;
  gtk_adjustment_configure (adjustment, CLAMP (value, 0, upper - view), 0, upper,
                            view * 0.1, view * 0.9, view);
}

double
afd_scrollable_value (GtkAdjustment *adjustment)
{
  return adjustment != NULL ? gtk_adjustment_get_value (adjustment) : 0;
}
