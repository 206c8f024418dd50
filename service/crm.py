"""The CRM entities a rule fills and the contact data a quiz collects: one list of each."""

# rule key -> Bitrix24 entity id (the `entityID` of its custom fields)
ENTITY_IDS = {"lead": "CRM_LEAD", "deal": "CRM_DEAL", "contact": "CRM_CONTACT", "company": "CRM_COMPANY"}

# Contact data the quiz collects -> the contact's (and a lead's) standard field it fills unless the
# rule's ContactRuleMap says otherwise; `company` names the company, it fills no contact field.
CONTACT_DATA = {"name": "NAME", "lastName": "LAST_NAME", "secondName": "SECOND_NAME", "phone": "PHONE",
                "email": "EMAIL", "position": "POST", "comment": "COMMENTS", "birthday": "BIRTHDATE",
                "address": "ADDRESS", "city": "ADDRESS_CITY", "website": "WEB", "telegram": "IM",
                "company": None}

# The contact's standard fields a ContactRuleMap may name (anything else must be a custom field).
CONTACT_FIELDS = frozenset({"NAME", "LAST_NAME", "SECOND_NAME", "HONORIFIC", "PHONE", "EMAIL", "WEB", "IM",
                            "POST", "COMMENTS", "BIRTHDATE", "ADDRESS", "ADDRESS_CITY", "ADDRESS_REGION",
                            "ADDRESS_COUNTRY", "ADDRESS_POSTAL_CODE", "SOURCE_DESCRIPTION"})

# Multi-value fields (PHONE, EMAIL, ...) and the VALUE_TYPE our values carry.
MULTI_FIELDS = {"PHONE": "WORK", "EMAIL": "WORK", "WEB": "WORK", "IM": "TELEGRAM"}
