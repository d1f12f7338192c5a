"""Messages of Django, Django REST framework and django-filter that our users meet.

Their own Vietnamese catalogues are partial (DRF's has 20 messages) or wrong in places (Django
translates "Enter a whole number." as "Nhập một số tổng thể."). Our catalogue comes first in
``LOCALE_PATHS``, so listing the message ids here makes ``makemessages`` keep them in
``locale/vi/LC_MESSAGES/django.po``, where they are translated properly.

This module is never imported; it exists only to be read by ``makemessages``.
"""

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy

# --- Django forms and validators --------------------------------------------------------------
_("This field is required.")
_("Enter a valid date.")
_("Enter a valid time.")
_("Enter a valid date/time.")
_("Enter a whole number.")
_("Enter a number.")
_("Enter a valid email address.")
_("Enter a valid URL.")
_("Enter a valid value.")
_("Select a valid choice. %(value)s is not one of the available choices.")
_("Select a valid choice. That choice is not one of the available choices.")
_("Ensure this value is greater than or equal to %(limit_value)s.")
_("Ensure this value is less than or equal to %(limit_value)s.")
ngettext_lazy(
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)
ngettext_lazy(
    "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)
_("%(model_name)s with this %(field_label)s already exists.")
_("The submitted file is empty.")
_("No file was submitted. Check the encoding type on the form.")
_("File extension “%(extension)s” is not allowed. Allowed extensions are: %(allowed_extensions)s.")
_("Null characters are not allowed.")
ngettext_lazy(
    "This password is too short. It must contain at least %(min_length)d character.",
    "This password is too short. It must contain at least %(min_length)d characters.",
    "min_length",
)
ngettext_lazy(
    "Your password must contain at least %(min_length)d character.",
    "Your password must contain at least %(min_length)d characters.",
    "min_length",
)
_("This password is too common.")
_("This password is entirely numeric.")
_("Your password can’t be entirely numeric.")
_("Your password can’t be a commonly used password.")
_("Your password can’t be too similar to your other personal information.")
_("The password is too similar to the %(verbose_name)s.")
_("The two password fields didn’t match.")
_("Your old password was entered incorrectly. Please enter it again.")
_("Old password")
_("New password")
_("New password confirmation")
_("Email")
_("Password")

# --- Django REST framework ----------------------------------------------------------------------
_("This field may not be null.")
_("This field may not be blank.")
_("Must be a valid boolean.")
_("Not a valid string.")
_("Ensure this field has no more than {max_length} characters.")
_("Ensure this field has at least {min_length} characters.")
_("A valid integer is required.")
_("A valid number is required.")
_("Ensure this value is less than or equal to {max_value}.")
_("Ensure this value is greater than or equal to {min_value}.")
_("Ensure that there are no more than {max_digits} digits in total.")
_("Date has wrong format. Use one of these formats instead: {format}.")
_("Datetime has wrong format. Use one of these formats instead: {format}.")
_("Expected a date but got a datetime.")
_('"{input}" is not a valid choice.')
_('Expected a list of items but got type "{input_type}".')
_("This selection may not be empty.")
_("This list may not be empty.")
_("No file was submitted.")
_("The submitted data was not a file. Check the encoding type on the form.")
_("Value must be valid JSON.")
_("A server error occurred.")
_("Invalid input.")
_("Malformed request.")
_("Incorrect authentication credentials.")
_("Authentication credentials were not provided.")
_("You do not have permission to perform this action.")
_("Not found.")
_('Method "{method}" not allowed.')
_("Could not satisfy the request Accept header.")
_('Unsupported media type "{media_type}" in request.')
_("Request was throttled.")
_("Expected available in {wait} second.")
_("Expected available in {wait} seconds.")
_("Invalid username/password.")
_("User inactive or deleted.")
_("Invalid token header. No credentials provided.")
_("Invalid token header. Token string should not contain spaces.")
_("Invalid token.")
_("A page number within the paginated result set.")
_("Number of results to return per page.")
_("Invalid page.")
_("Invalid data. Expected a dictionary, but got {datatype}.")
_("This field must be unique.")
_("The fields {field_names} must make a unique set.")
_("Username")
_("Unable to log in with provided credentials.")
_('Must include "username" and "password".')
_("Search")
_("A search term.")
_("Ordering")
_("Which field to use when ordering the results.")
_('Invalid pk "{pk_value}" - object does not exist.')
_("Incorrect type. Expected pk value, received {data_type}.")
_("Object with {slug_name}={value} does not exist.")

# --- django-filter ------------------------------------------------------------------------------
_("Invalid value.")
_("Multiple values may be separated by commas.")
_("%s (descending)")
_("Today")
_("Yesterday")
_("Past 7 days")
_("This month")
_("This year")
