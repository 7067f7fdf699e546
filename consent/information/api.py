"""The information texts through the API: the ones given now, and any one a consent names."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from consent.information import texts
from consent.information.serializers import InformationTextSerializer


@extend_schema(tags=["consents"], responses=InformationTextSerializer(many=True))
class CurrentInformation(generics.GenericAPIView):
    """The texts a person is given now before consenting, one per language and reading level. A
    consent names the one the person saw or was read (`information`)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = InformationTextSerializer
    pagination_class = None

    def get(self, request: Request) -> Response:
        return Response(InformationTextSerializer(texts.current_texts(), many=True).data)


@extend_schema(tags=["consents"], responses=InformationTextSerializer)
class InformationDetail(generics.GenericAPIView):
    """One text exactly as published: texts are never edited, a new wording is a new version."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = InformationTextSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(InformationTextSerializer(texts.published(pk)).data)
