from django.db import models


class Write(models.Model):
    """A row that the durable write floor inserts: the least a stored write costs."""

    body = models.TextField()

    def __str__(self):
        return self.body[:40]
